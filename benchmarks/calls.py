"""Calls: transcription speed, word error rate, speaker split and call-metric errors on scripted calls.

Each scripted call (fixfirst/ingest/calls/scripted_call.py: espeak-ng voices, known silences, an
announced hold, overlaps) is rendered stereo and mono and read back through the real path
(`read_recording`: PyAV decode, silero VAD, faster-whisper). Printed: real-time factor (seconds of
compute per second of audio, one CPU thread, the model loaded once before), WER against the
script, speaker attribution (the script's words whose line is covered mostly by a turn of the right
party), the error in
seconds of first answer, longest silence, hold and overtalk, and the cost of one call hour.

    .venv/bin/python benchmarks/calls.py [--asr-model PATH] [--json OUT] [--long-minutes 2 10]

`--long-minutes` also builds long stereo calls (the support script repeated) and reads each in a
fresh process, once in 1-minute blocks (the default) and once whole, printing compute time and
peak RSS: memory flat in call length is the point of reading in blocks.

Needs espeak-ng and the calls extra (scripts/setup.sh --dev and scripts/install_browser.sh).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fixfirst.ingest.call_audio import read_calls
from fixfirst.ingest.calls.audio_blocks import BLOCK_S
from fixfirst.ingest.calls.recording import CallOptions, read_recording
from fixfirst.ingest.calls.scripted_call import SCRIPTS, ScriptedCall, build_call, speaker_accuracy, word_error_rate


def measure(name: str, call: ScriptedCall, options: CallOptions) -> dict:
    started = time.perf_counter()
    recording = read_recording(call.path, options)
    seconds = time.perf_counter() - started
    m = recording.metrics
    reference = " ".join(line.text for line in call.lines)
    spans = call.spans
    hold_true = next(
        (spans[i + 1][0] - spans[i][1] for i, line in enumerate(call.lines[:-1]) if "hold for" in line.text), 0.0
    )
    gaps = sorted(spans)
    silence_true = max((b[0] - a[1] for a, b in zip(gaps, gaps[1:], strict=False)), default=0.0)
    overtalk_true = sum(max(0.0, -line.gap_s) for line in call.lines[1:])
    return {
        "call": name,
        "channels": recording.channels,
        "audio_s": round(call.duration_s, 1),
        "compute_s": round(seconds, 2),
        "rtf": round(seconds / call.duration_s, 3),
        "wer": round(word_error_rate(reference, " ".join(t.text for t in recording.turns)), 3),
        "speaker_words": round(speaker_accuracy(call, recording.turns), 3),
        "first_answer_err_s": round(abs((m.first_answer_s or 0) - spans[0][0]), 2),
        "silence_err_s": round(abs(m.longest_silence_s - silence_true), 2),
        "hold_err_s": round(abs(m.hold_s - hold_true), 2),
        "overtalk_err_s": round(abs(m.overtalk_s - overtalk_true), 2) if recording.channels == 2 else None,
    }


_LONG_READ = """
import sys, time
from pathlib import Path
from fixfirst.ingest.calls.recording import CallOptions, read_recording
options = CallOptions(block_s=float(sys.argv[2]), cpu_threads=1)
started = time.perf_counter()
recording = read_recording(Path(sys.argv[1]), options)
# VmHWM, not ru_maxrss: Linux carries the parent's peak into a child's ru_maxrss across fork/exec.
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(time.perf_counter() - started, peak / 1024, len(recording.turns))
"""


def long_calls(folder: Path, minutes: list[float]) -> list[dict]:
    """Long stereo calls read in blocks and whole, each in a fresh process (model load included; peak
    RSS from /proc, so Linux only)."""
    rows = []
    for length in minutes:
        lines = []
        while sum(len(line.text) for line in lines) < length * 60 * 14:  # espeak at 150 wpm: ~14 chars/s
            lines += SCRIPTS["support"]
        call = build_call(folder / f"long-{length}.wav", lines)
        for label, block_s in (("1-minute blocks", BLOCK_S), ("whole", 1e9)):
            out = subprocess.run([sys.executable, "-c", _LONG_READ, str(call.path), str(block_s)],
                                 check=True, capture_output=True, text=True).stdout.split()
            seconds, peak, turns = float(out[0]), float(out[1]), int(out[2])
            rows.append({"minutes": round(call.duration_s / 60, 1), "read": label, "compute_s": round(seconds, 1),
                         "rtf": round(seconds / call.duration_s, 3), "peak_rss_mib": round(peak),
                         "turns": turns, "lines": len(lines)})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--asr-model", type=Path, help="a CTranslate2 Whisper folder (default: bundled tiny.en)")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--long-minutes", type=float, nargs="*", default=[], help="also time long calls this long")
    args = parser.parse_args()
    options = CallOptions(asr_model=args.asr_model, cpu_threads=1)
    rows = []
    parallel = []
    with tempfile.TemporaryDirectory() as folder:
        # Load the models once before timing (as a server or a batch would): Whisper, and for mono
        # the speaker-role model.
        for stereo in (True, False):
            build_call(Path(folder) / "warm.wav", list(SCRIPTS.values())[0][:2], stereo=stereo)
            read_recording(Path(folder) / "warm.wav", options)
        for name, lines in SCRIPTS.items():
            for stereo in (True, False):
                call = build_call(Path(folder) / f"{name}-{'stereo' if stereo else 'mono'}.wav", lines, stereo=stereo)
                rows.append(measure(name, call, options))
        # Parallel transcription (`--workers`): the same recordings by 1 process (this one, model loaded)
        # and by 2 fresh processes (each loads the model: included).
        paths = sorted(Path(folder).glob("*-*.wav"))
        for workers in (1, 2):
            started = time.perf_counter()
            list(read_calls(paths, options, workers=workers))
            parallel.append((workers, time.perf_counter() - started))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before building long calls
        long = long_calls(Path(folder), args.long_minutes)
    columns = list(rows[0])
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join("-" if row[c] is None else str(row[c]) for c in columns) + " |")
    audio = sum(r["audio_s"] for r in rows)
    compute = sum(r["compute_s"] for r in rows)
    print(f"\nreal-time factor overall {compute / audio:.3f} (one thread): one call hour costs "
          f"{compute / audio * 60:.1f} CPU-minutes; peak RSS {peak:.0f} MiB")
    for workers, took in parallel:
        print(f"{workers} worker(s): {len(rows)} recordings, {audio:.0f} s of audio in {took:.1f} s "
              f"({audio / took:.1f} s of audio per second)")
    if long:
        print("\n| minutes | read | compute s | RTF | peak RSS MiB | turns (script lines) |\n|---|---|---|---|---|---|")
        for row in long:
            print(f"| {row['minutes']} | {row['read']} | {row['compute_s']} | {row['rtf']} | {row['peak_rss_mib']} "
                  f"| {row['turns']} ({row['lines']}) |")
    if args.json:
        args.json.write_text(json.dumps({"calls": rows, "parallel": parallel, "long": long}, indent=1))


if __name__ == "__main__":
    main()
