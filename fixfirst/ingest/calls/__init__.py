"""Calls: a recording becomes a Conversation with timed turns and call metrics (issue 13).

`timeline` (speaker turns from timed segments) and `metrics` (talk/listen, silence, hold,
overtalk, first answer, words per minute) are plain Python over seconds; `audio_blocks` decodes the
audio a block at a time and finds speech (silero VAD); `recording` transcribes it (faster-whisper, a
model shipped in an installed package); `call_audio` is the ingest adapter that ties them together.
"""
