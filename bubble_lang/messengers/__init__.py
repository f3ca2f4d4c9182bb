"""Chatsky's messenger interfaces for bubble bots (layer 11; SPEC §15, seeds/002).

Code written against Chatsky's interfaces runs on bubble with only its imports changed: the
interface classes (`interfaces.py`), Chatsky-named `Message` and attachment classes
(`engine/chat_messages.py`), and the pipeline runner a bubble bot gives,
`load_bot(path).runner(store=…)` (`engine/pipeline_runner.py`). `telegram/` is the Telegram
interface of `bubble serve --telegram` (long polling) and `--telegram-webhook` (webhook). docs/messengers.md has the details.
"""

from ..engine.chat_messages import (Animation, Attachment, Audio, CallbackQuery, Contact, DataAttachment, Document,
                                    Image, Invoice, Location, MediaGroup, Message, Origin, Poll, PollOption, Sticker,
                                    Video, VideoMessage, VoiceMessage)
from ..engine.pipeline_runner import Context, PipelineRunner
from .interfaces import (CallbackMessengerInterface, CLIMessengerInterface, MessengerInterface,
                         MessengerInterfaceWithAttachments, PollingMessengerInterface)

__all__ = [
    "Animation", "Attachment", "Audio", "CLIMessengerInterface", "CallbackMessengerInterface", "CallbackQuery",
    "Contact", "Context", "DataAttachment", "Document", "Image", "Invoice", "Location", "MediaGroup", "Message",
    "MessengerInterface", "MessengerInterfaceWithAttachments", "Origin", "PipelineRunner",
    "PollingMessengerInterface", "Poll", "PollOption", "Sticker", "Video", "VideoMessage", "VoiceMessage",
]
