"""Chatsky-named messages and attachments (layer 9), so code written against Chatsky's messenger
interfaces runs on bubble with only its imports changed (SPEC §15, research/serving.md §3.3).

`Message("hi")` or `Message(text=…, attachments=[…], annotations=…, misc=…, origin=…, **extra)`;
extra keyword fields are kept (a messenger reads e.g. `parse_mode`). Attachments carry Chatsky's
`chatsky_attachment_type` tag, and `Message.to_dict()`/`Message.from_dict()` use the same JSON
shape, so messages a Chatsky user saved load here. Unlike Chatsky (pydantic, and pickle for
`origin.message`/`misc` in its storage), these are attrs classes of plain data: nothing is
pickled, and `origin.message` is kept only in memory.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlparse

import attrs

_LOCATION_TOLERANCE = 0.00004  # Chatsky's equality tolerance for locations, in degrees


@attrs.define
class Origin:
    """Where a request came from: the raw update and the interface's id."""

    message: Any = None
    interface: str | None = None


class Attachment:
    """Base of every attachment; `chatsky_attachment_type` names it in JSON."""

    chatsky_attachment_type: ClassVar[str] = ""

    def to_dict(self) -> dict[str, Any]:
        fields = attrs.asdict(self, recurse=True, filter=lambda a, v: not a.name.startswith("_"))
        extra = fields.pop("extra", None) or {}
        return {"chatsky_attachment_type": self.chatsky_attachment_type, **fields, **extra}


def _with_extra(cls: type) -> type:
    """Chatsky's attachments allow extra fields (the Telegram reader adds `file_name`, `width`…):
    unknown keyword arguments go to `extra` and read back as attributes."""
    original = cls.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        known = {a.name for a in attrs.fields(cls)}
        extra = {k: kwargs.pop(k) for k in list(kwargs) if k not in known}
        original(self, *args, **kwargs)
        if extra:
            self.extra.update(extra)

    def __getattr__(self: Any, name: str) -> Any:
        try:
            return object.__getattribute__(self, "extra")[name]
        except (KeyError, AttributeError):
            raise AttributeError(name) from None

    cls.__init__ = __init__  # type: ignore[method-assign]
    cls.__getattr__ = __getattr__  # type: ignore[attr-defined]
    return cls


@attrs.define(eq=False)
class CallbackQuery(Attachment):
    chatsky_attachment_type: ClassVar[str] = "callback_query"
    query_string: str | None = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CallbackQuery) and other.query_string == self.query_string


@attrs.define(eq=False)
class Location(Attachment):
    chatsky_attachment_type: ClassVar[str] = "location"
    longitude: float = 0.0
    latitude: float = 0.0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Location) and abs(other.longitude - self.longitude) < _LOCATION_TOLERANCE and \
            abs(other.latitude - self.latitude) < _LOCATION_TOLERANCE


@_with_extra
@attrs.define
class Contact(Attachment):
    chatsky_attachment_type: ClassVar[str] = "contact"
    phone_number: str = ""
    first_name: str = ""
    last_name: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define
class Invoice(Attachment):
    chatsky_attachment_type: ClassVar[str] = "invoice"
    title: str = ""
    description: str = ""
    currency: str = ""
    amount: int = 0


@attrs.define
class PollOption:
    text: str = ""
    votes: int = 0


@_with_extra
@attrs.define
class Poll(Attachment):
    chatsky_attachment_type: ClassVar[str] = "poll"
    question: str = ""
    options: list[PollOption] = attrs.field(factory=list)
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@_with_extra
@attrs.define
class DataAttachment(Attachment):
    """A file: exactly one of `source` (an HTTP URL or a local path) and `id` (a file id on the
    messenger's server). `get_bytes(interface)` reads the local file, then the cache, then the
    URL, else asks the interface (`get_attachment_bytes(id)`), and caches what it fetched."""

    chatsky_attachment_type: ClassVar[str] = "data_attachment"
    source: str | None = None
    id: str | None = None
    use_cache: bool = True
    cached_filename: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    def __attrs_post_init__(self) -> None:
        if (self.source is None) == (self.id is None):
            raise ValueError("a data attachment has exactly one of `source` and `id`")
        if self.source is not None:
            self.source = str(self.source)

    async def get_bytes(self, interface: Any) -> bytes | None:
        if self.source is not None and not _is_url(self.source):
            return await asyncio.to_thread(Path(self.source).read_bytes)
        folder = getattr(interface, "attachments_directory", None)
        if self.use_cache and self.cached_filename and folder is not None:
            cached = Path(folder) / self.cached_filename
            if cached.is_file():
                return await asyncio.to_thread(cached.read_bytes)
        if self.source is not None:
            import httpx

            async with httpx.AsyncClient(timeout=30, follow_redirects=True) as client:
                response = await client.get(self.source)
                response.raise_for_status()
                data = response.content
        else:
            data = bytes(await interface.get_attachment_bytes(self.id))
        if self.use_cache and folder is not None:
            self.cached_filename = str(uuid.uuid5(uuid.NAMESPACE_URL, str(self.source or self.id)))
            await asyncio.to_thread((Path(folder) / self.cached_filename).write_bytes, data)
        return data


def _is_url(source: str) -> bool:
    return urlparse(source).scheme in ("http", "https")


def _kind(name: str, tag: str) -> type:
    return _with_extra(attrs.define(type(name, (DataAttachment,), {
        "__annotations__": {}, "chatsky_attachment_type": tag, "__doc__": f"A {tag.replace('_', ' ')}."})))


Audio = _kind("Audio", "audio")
Video = _kind("Video", "video")
Animation = _kind("Animation", "animation")
Image = _kind("Image", "image")
Sticker = _kind("Sticker", "sticker")
Document = _kind("Document", "document")
VoiceMessage = _kind("VoiceMessage", "voice_message")
VideoMessage = _kind("VideoMessage", "video_message")


@attrs.define
class MediaGroup(Attachment):
    chatsky_attachment_type: ClassVar[str] = "media_group"
    group: list[Any] = attrs.field(factory=list)


ATTACHMENT_TYPES: dict[str, type] = {cls.chatsky_attachment_type: cls for cls in (
    CallbackQuery, Location, Contact, Invoice, Poll, DataAttachment, Audio, Video, Animation, Image, Sticker,
    Document, VoiceMessage, VideoMessage, MediaGroup)}


def attachment_from_dict(data: dict[str, Any]) -> Any:
    """An attachment from its JSON form (Chatsky's `chatsky_attachment_type` tag)."""
    fields = dict(data)
    cls = ATTACHMENT_TYPES.get(fields.pop("chatsky_attachment_type", ""))
    if cls is None:
        raise ValueError(f"unknown attachment type in {sorted(data)}")
    if cls is Poll:
        fields["options"] = [PollOption(**option) for option in fields.get("options", [])]
    if cls is MediaGroup:
        fields["group"] = [attachment_from_dict(item) for item in fields.get("group", [])]
    return cls(**fields)


class Message:
    """A request or a response (Chatsky's `Message`): `Message("hi")` is a text message."""

    def __init__(self, text: str | None = None, attachments: list[Any] | None = None,
                 annotations: dict[str, Any] | None = None, misc: dict[str, Any] | None = None,
                 origin: Origin | None = None, **extra: Any):
        self.text = text
        self.attachments = attachments
        self.annotations = annotations
        self.misc = misc
        self.origin = origin
        self.extra = extra

    def __getattr__(self, name: str) -> Any:
        extra = self.__dict__.get("extra", {})
        if name in extra:
            return extra[name]
        raise AttributeError(name)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (None fields left out; `origin` is not data and stays out)."""
        data: dict[str, Any] = {"text": self.text, "annotations": self.annotations, "misc": self.misc, **self.extra}
        if self.attachments is not None:
            data["attachments"] = [a.to_dict() for a in self.attachments]
        return {key: value for key, value in data.items() if value is not None}

    model_dump = to_dict  # the pydantic spelling Chatsky users call

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Message:
        fields = {key: value for key, value in data.items() if key != "origin"}
        if fields.get("attachments") is not None:
            fields["attachments"] = [a if isinstance(a, Attachment) else attachment_from_dict(a)
                                     for a in fields["attachments"]]
        return cls(**fields)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            return self.text == other and not self.attachments
        return isinstance(other, Message) and self.to_dict() == other.to_dict()

    def __str__(self) -> str:
        """Chatsky's form: `text='Hi'` (the fields that are set, as key='value')."""
        return " ".join(f"{key}='{value}'" for key, value in self.to_dict().items())

    def __repr__(self) -> str:
        return f"Message({self.to_dict()!r})"
