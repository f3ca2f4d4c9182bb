"""The `captcha` widget's challenges (layer 7): made on the server, kept in the pending ask,
never sent (SPEC §8).

Input: the conversation's state and the frame whose `ask … expecting: input_method("captcha")`
waits. Output: a challenge stored in the ask's options under `$captcha` (`{"text", "left"}`),
and for the question a PNG of its text as a `data:image/png;base64,…` URL.

Why here: the seed's captcha sent its solution to the browser, which compared (and the seed
later removed it). Here the solution lives only in the conversation's state: the question's
widget data carries the picture, never the text; an attempt is compared on the server; a wrong
one draws a new challenge, so guessing one picture's text many times is useless. The text is
drawn from the conversation's seed and output number, and from the conversation's random secret
(`SessionState.secret`): a host's conversations get one, so the challenge cannot be computed
from the conversation id; a conversation given a seed (tests, `--seed`) has none and replays
exactly.
"""

from __future__ import annotations

import base64
import io
import random
import secrets
from typing import Any

import attrs

from ..runtime.values import Record, to_text
from ..runtime.waits import PendingAsk

#: Letters and digits that do not look alike in a distorted picture (no 0/O, 1/I/L, 5/S, 2/Z, 8/B).
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
LENGTH = 5
DEFAULT_TRIES = 3
KEY = "$captcha"  # where the challenge lives in the pending ask's options


def is_captcha(wait: Any) -> bool:
    """Whether a frame's wait is an `ask` for a captcha widget."""
    if not isinstance(wait, PendingAsk) or wait.prompt:
        return False
    expecting = wait.options.get("expecting")
    return isinstance(expecting, Record) and expecting.kind == "widget" and \
        to_text(expecting.fields.get("kind")) == "captcha"


def challenge_of(wait: Any) -> dict[str, Any] | None:
    """The current challenge `{"text", "left"}` of a captcha ask (server side only)."""
    found = wait.options.get(KEY) if isinstance(wait, PendingAsk) else None
    return found if isinstance(found, dict) else None


def draw_text(seed: int, counter: int, secret: str = "") -> str:
    """A challenge text from the conversation's seed, its secret (random on a host, so nobody can
    compute it from the id) and a counter that never repeats in it."""
    generator = random.Random(f"{seed}:{secret}:captcha:{counter}")
    return "".join(generator.choice(ALPHABET) for _ in range(LENGTH))


def new_challenge(m: Any, frame: Any, *, left: int | None = None) -> None:
    """Give the captcha ask of `frame` a fresh challenge (`left` tries, default `max_tries:`)."""
    wait = frame.wait
    if left is None:
        tries = wait.options["expecting"].fields.get("max_tries", DEFAULT_TRIES)
        left = tries if isinstance(tries, int) and not isinstance(tries, bool) and tries > 0 else DEFAULT_TRIES
    if m.state.secret is None:  # a host's conversation: its secret, drawn the first time it is needed
        m.state.secret = secrets.token_hex(16)
    text = draw_text(m.state.seed, m.state.output_seq, m.state.secret)
    frame.wait = attrs.evolve(wait, options={**wait.options, KEY: {"text": text, "left": left}})


def ensure_challenge(m: Any, frame: Any) -> None:
    """A captcha ask about to be shown has a challenge (the first time it is asked)."""
    if is_captcha(frame.wait) and challenge_of(frame.wait) is None:
        new_challenge(m, frame)


def solves(challenge: dict[str, Any], attempt: str) -> bool:
    """Whether an attempt is the challenge's text (case and spaces do not matter)."""
    return "".join(attempt.split()).upper() == to_text(challenge.get("text"))


def image_url(text: str) -> str:
    """The challenge as a PNG picture, as a `data:` URL for the widget's `image`."""
    from captcha.image import ImageCaptcha  # pillow and fonts: loaded when a captcha is drawn

    buffer = io.BytesIO()
    ImageCaptcha(width=200, height=70).generate_image(text).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def widget_view(wait: Any, widget: dict[str, Any]) -> dict[str, Any]:
    """The widget data a channel draws for a captcha ask: its options, the picture and the tries
    left, never the text."""
    challenge = challenge_of(wait)
    if challenge is None:
        return widget
    return {**widget, "image": image_url(to_text(challenge.get("text"))), "tries_left": challenge.get("left")}
