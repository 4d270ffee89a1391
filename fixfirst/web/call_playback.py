"""Playing a call from the dashboard: its kept audio copy, served only to users who may see the call
and only within its retention (`keep_until`); the conversation page plays from a finding's time."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

from fixfirst.store.kept_audio import audio_file
from fixfirst.web.context import Ctx, PageUser, WebContext
from fixfirst.web.views import NotVisible, conversation_detail

router = APIRouter(include_in_schema=False)


def playable(ctx: WebContext, metadata: dict) -> str | None:
    """The kept copy's file name when the server has the audio folder, the file and its retention."""
    call = metadata.get("call")
    if ctx.audio_dir is None or not isinstance(call, dict) or not isinstance(call.get("audio"), str):
        return None
    until = call.get("keep_until")
    if isinstance(until, str) and date.fromisoformat(until) < date.today():
        return None
    return call["audio"] if audio_file(ctx.audio_dir, call["audio"]) is not None else None


@router.get("/conversations/{conversation_id}/audio")
def call_audio(conversation_id: str, ctx: Ctx, who: PageUser) -> FileResponse:
    try:
        detail = conversation_detail(ctx.store, who, conversation_id)
    except NotVisible:
        raise HTTPException(404, "conversation not found") from None
    name = playable(ctx, detail.conversation.metadata)
    if name is None or ctx.audio_dir is None:
        raise HTTPException(404, "no audio kept for this conversation")
    path = audio_file(ctx.audio_dir, name)
    assert path is not None
    return FileResponse(path, media_type="audio/wav", headers={"Cache-Control": "private, no-store"})
