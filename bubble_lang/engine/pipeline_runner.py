"""Chatsky's pipeline runner over a bubble `Runner` (layer 9): `load_bot(path).runner(store=…)`.

`await runner(request, ctx_id=None, update_ctx_misc=None) -> Context`, the seed's signature
(research/serving.md §3.2), so Chatsky messenger interfaces drive a bubble bot unchanged:

- `ctx_id=None` starts a new conversation under a uuid4 id; ids are used as text (`str(ctx_id)`).
- A conversation seen for the first time is opened first (its entry dialog runs), then the request
  is played; both answers are in the context.
- `update_ctx_misc` is merged into the conversation's `misc` map and committed with the turn
  (plain JSON data only: bubble's state holds no pickled objects).
- The request: text is a message; a `CallbackQuery` is a picked choice (the answer of an open
  widget question, else text); a `Location` a location input; a file attachment an attachment
  input (`image`, `audio`, `video`, `voice`, `file`), or the answer to an open `upload` question
  when its bytes are at hand (a local `source`); a `Contact`, `Poll` or `Invoice` the event of that
  name with the attachment as its payload. A caption goes with its file, not as a second message.
- The context: `id`, `last_request`, `responses` (every message of the turn, in order),
  `last_response` (the turn's **first** message, SPEC §15; None when it said nothing), `misc`,
  `current_turn_id`, plus bubble's `frames` and `outputs` for interfaces that want more.
- `message_id=` (a keyword bubble adds) is the input's id: a redelivered request with the same id
  is answered from the turn that handled it and never played twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import attrs

from ..runtime.inputs import AnswerInput, AttachmentInput, EventInput, LocationInput, TextInput
from ..runtime.outputs import Output
from ..runtime.steps import Answer
from . import bot as bot_module
from .chat_messages import (Audio, CallbackQuery, Contact, DataAttachment, Document, Image, Invoice, Location, Message,
                            Poll, Video)
from .output_frames import output_frame
from .runner import MISC_KEY, Runner

_ATTACHMENT_KIND = {"image": "image", "sticker": "image", "animation": "video", "video": "video",
                    "video_message": "video", "audio": "audio", "voice_message": "voice"}


@attrs.define
class Context:
    """What one call of the pipeline runner returns (Chatsky's `Context`, as plain data)."""

    id: str
    last_request: Message | None = None
    last_response: Message | None = None
    responses: list[Message] = attrs.field(factory=list)
    misc: dict[str, Any] = attrs.field(factory=dict)
    current_turn_id: int = 0
    frames: list[dict[str, Any]] = attrs.field(factory=list)
    outputs: list[Output] = attrs.field(factory=list, repr=False)


class PipelineRunner:
    """`await runner(request, ctx_id=None, update_ctx_misc=None)` (see the module docstring);
    `runner.runner` is the bubble `Runner` underneath (its store, scheduler and outbox)."""

    def __init__(self, bot: Any, store: Any = None, *, runner: Runner | None = None, **options: Any):
        self.runner = runner if runner is not None else Runner(bot, store, **options)
        self._own = runner is None
        self._started = False
        self._turns: dict[str, int] = {}

    async def __call__(self, request: Message | str, ctx_id: Hashable | None = None,
                       update_ctx_misc: dict[str, Any] | None = None, *, message_id: str | None = None) -> Context:
        if self._own and not self._started:
            self.runner.start()  # its scheduler needs the running loop
            self._started = True
        message = request if isinstance(request, Message) else Message(str(request))
        cid = str(ctx_id) if ctx_id is not None else str(uuid.uuid4())
        outputs: list[Output] = []
        if await self.runner.state(cid) is None:
            outputs += await self.runner.open(cid)
        outputs += await self._play(cid, message, update_ctx_misc, message_id)
        state = await self.runner.state(cid)
        frames = [frame for frame in map(output_frame, outputs) if frame is not None]
        responses = [found for found in map(frame_message, frames) if found is not None]
        self._turns[cid] = self._turns.get(cid, 0) + 1
        misc = dict(state.runtime.get(MISC_KEY, {})) if state is not None else {}
        return Context(id=cid, last_request=message, last_response=responses[0] if responses else None,
                       responses=responses, misc=misc, current_turn_id=self._turns[cid], frames=frames,
                       outputs=outputs)

    async def close(self) -> None:
        if self._own:
            await self.runner.close()

    async def _play(self, cid: str, message: Message, misc: dict[str, Any] | None,
                    message_id: str | None) -> list[Output]:
        inputs = await self._inputs(cid, message)
        outputs: list[Output] = []
        for index, play in enumerate(inputs):
            mid = message_id if index == 0 or message_id is None else f"{message_id}/{index}"
            outputs += await play(mid, misc if index == 0 else None)
        return outputs

    async def _inputs(self, cid: str, message: Message) -> list[Any]:
        """One play per part of the request: each attachment, else the text."""
        runner = self.runner
        plays: list[Any] = []
        caption = message.text
        for attachment in message.attachments or []:
            plays.append(await self._attachment_play(cid, attachment, caption))
            if isinstance(attachment, DataAttachment):
                caption = None  # it went with the file
        if not plays and message.text is not None:
            text = message.text
            plays.append(lambda mid, misc: runner.send(cid, TextInput(text=text), message_id=mid, misc=misc))
        return plays

    async def _attachment_play(self, cid: str, attachment: Any, caption: str | None) -> Any:
        runner = self.runner
        if isinstance(attachment, CallbackQuery):
            value = attachment.query_string or ""
            waiting = await runner.waiting(cid)
            if isinstance(waiting, Answer) and waiting.widget is not None:
                return lambda mid, misc: runner.send(cid, AnswerInput(value=value), message_id=mid, misc=misc)
            return lambda mid, misc: runner.send(cid, TextInput(text=value), message_id=mid, misc=misc)
        if isinstance(attachment, Location):
            point = LocationInput(lat=float(attachment.latitude), lon=float(attachment.longitude))
            return lambda mid, misc: runner.send(cid, point, message_id=mid, misc=misc)
        if isinstance(attachment, (Contact, Poll, Invoice)):
            event = EventInput(name=attachment.chatsky_attachment_type, payload=attachment.to_dict())
            return lambda mid, misc: runner.send(cid, event, message_id=mid, misc=misc)
        if isinstance(attachment, DataAttachment):
            return await self._file_play(cid, attachment, caption)
        raise TypeError(f"bubble cannot play a {type(attachment).__name__} attachment")

    async def _file_play(self, cid: str, attachment: DataAttachment, caption: str | None) -> Any:
        runner = self.runner
        extra = attachment.extra
        name = str(extra.get("file_name") or Path(str(attachment.source or attachment.id)).name or "file")
        mime = str(extra.get("mime_type") or _default_type(attachment))
        local = attachment.source is not None and not str(attachment.source).startswith(("http://", "https://"))
        waiting = await runner.waiting(cid)
        if local and isinstance(waiting, Answer) and (waiting.widget or {}).get("kind") == "upload":
            data = Path(str(attachment.source)).read_bytes()
            return lambda mid, misc: runner.send_upload(cid, name, mime, data, message_id=mid)
        details: dict[str, Any] = {"name": name, "type": mime}
        if extra.get("file_size") is not None:
            details["size"] = int(extra["file_size"])
        if attachment.source is not None and not local:
            details["url"] = attachment.source
        if caption:
            details["caption"] = caption
        kind = _ATTACHMENT_KIND.get(attachment.chatsky_attachment_type, "file")
        found = AttachmentInput(kind=kind, data=details)
        return lambda mid, misc: runner.send(cid, found, message_id=mid, misc=misc)


def _default_type(attachment: DataAttachment) -> str:
    return {"image": "image/jpeg", "audio": "audio/mpeg", "video": "video/mp4",
            "voice_message": "audio/ogg"}.get(attachment.chatsky_attachment_type, "application/octet-stream")


def frame_message(frame: dict[str, Any]) -> Message | None:
    """A channel frame as a Chatsky `Message`, or None for frames that are not messages
    (`typing`, `event`). The frame itself is `message.frame` (not part of the message's data:
    `str(message)` stays Chatsky's `text='…'`)."""
    message = _message_of(frame)
    if message is not None:
        message.frame = frame
    return message


def _message_of(frame: dict[str, Any]) -> Message | None:
    kind = frame["type"]
    if kind in ("typing", "event"):
        return None
    if kind == "step":
        return Message(f"Step {frame['index']} of {frame['total']} — {frame['title']}")
    if kind == "location":
        return Message(attachments=[Location(longitude=frame["lon"], latitude=frame["lat"])])
    url = frame.get("url") if isinstance(frame.get("url"), str) and frame["url"].startswith("http") else None
    media = {"image": Image, "audio": Audio, "video": Video, "file": Document}.get(kind)
    if media is not None and url is not None:
        return Message(frame.get("caption"), attachments=[media(source=url)])
    if kind == "table":
        return Message(_table_text(frame))
    if kind in ("image", "file", "chart"):
        return Message(str(frame.get("caption") or frame.get("alt") or frame.get("name") or kind))
    if kind == "loading":
        return Message(f"{frame.get('text', '')} — {frame.get('progress', 0)}%")
    return Message(str(frame.get("text", "")))


def _table_text(frame: dict[str, Any]) -> str:
    rows = [frame.get("columns") or []] + list(frame.get("rows") or [])
    return "\n".join(" | ".join(str(cell) for cell in row) for row in rows)




bot_module.PIPELINE_RUNNER = PipelineRunner  # `load_bot(path).runner(…)` (see `Bot.runner`)
