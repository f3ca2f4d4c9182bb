"""`bubble.toml` to `Config` (layer 2).

Input: the text of a bot's `bubble.toml`. Output: a validated `Config`, or `BubbleUsageError`
with every problem found (B503), each at the key or value it is about, with a hint. Unknown
sections and keys are errors with "did you mean", so a typo never silently falls back to a
default; every value is checked here — a timezone pendulum knows, a locale the date builtins
know, positive finite limits, extension servers with an http(s) `url` — so a file that passes
`bubble lint` never makes `bubble run` or `bubble test` fail later. A file nested deeper than
JSON values may be is refused before `tomllib` reads it (it recurses once per level).
docs/configuration.md lists every section, key and default.
"""

from __future__ import annotations

import functools
import math
import re
import tomllib
import urllib.parse
from typing import Any

import attrs
import pendulum

from .config_positions import ConfigPositions, nesting_overflow
from .diagnostics import BubbleUsageError, Diagnostic, make_diagnostic
from .duration_text import parse_duration
from .limits import DEFAULT_LIMITS, Limits
from .locale_names import available_locales, shipped_locale
from .source import SourceFile
from .spelling import nearest_name

DOCS = "docs/configuration.md"


@attrs.frozen(kw_only=True)
class ExtensionServer:
    """One `[extensions.NAME]` table: where the server is and how to call it (SPEC §11)."""

    name: str
    url: str
    token: str | None = None  # sent as `Authorization: Bearer …`
    timeout: float | None = None  # seconds; None means `limits.extension_seconds`


@attrs.frozen(kw_only=True)
class ServeConfig:
    """The `[serve]` table: what `bubble serve` needs that must not be guessed (SPEC §15). The
    environment (`BUBBLE_API_KEY`, `BUBBLE_SECRET`) wins over it, so a deployment keeps keys out
    of the bot's folder."""

    api_key: str | None = None  # bearer key of the HTTP API; without one the API refuses every call
    secret: str | None = None  # HMAC key of session tokens; else generated and kept in the store folder
    origins: tuple[str, ...] = ()  # extra allowed WebSocket origins (the server's own and loopback always are)
    previous_secrets: tuple[str, ...] = ()  # earlier secrets whose tokens are still accepted (rotation)
    token_days: float | None = None  # a session token older than this is refused; None: never
    public_url: str | None = None  # where users reach the server (links to kept pictures); else each request's Host


@attrs.frozen(kw_only=True)
class MailConfig:
    """The `[mail]` table: where `mail to, subject, body` is sent from (`engine/mail_out.py`).
    `BUBBLE_SMTP_URL` wins over `smtp`, so the password stays out of the bot's folder."""

    smtp: str | None = None  # smtp://user:password@host:587 (STARTTLS when offered) or smtps://…:465
    sender: str | None = None  # the `from` key: "Pizza Palace <bot@example.com>"


@attrs.frozen(kw_only=True)
class Config:
    """Bot configuration; every field has a default so a bot needs no `bubble.toml`."""

    limits: Limits = DEFAULT_LIMITS
    extensions: tuple[ExtensionServer, ...] = ()
    store: str | None = None
    locale: str = "en"
    timezone: str = "UTC"
    error_text: str = "Sorry, something went wrong on my side."
    title: str | None = None  # `bot.title` in scripts; the bot's name when not given
    serve: ServeConfig = attrs.field(factory=lambda: ServeConfig())
    mail: MailConfig = attrs.field(factory=lambda: MailConfig())


DEFAULT_CONFIG = Config()
SECTIONS = ("bot", "limits", "extensions", "storage", "serve", "mail")
MAIL_KEYS = ("smtp", "from")
BOT_KEYS = ("locale", "timezone", "error_text", "title")
EXTENSION_KEYS = ("url", "token", "timeout")
STORAGE_KEYS = ("url",)
SERVE_KEYS = ("api_key", "secret", "origins", "previous_secrets", "token_days", "public_url")
MAX_TOKEN_DAYS = 3650
_MAILBOX = r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\".]+"
_SENDER = re.compile(rf"{_MAILBOX}|[^<>\r\n\"]{{1,100}} <{_MAILBOX}>")  # `bot@x.org` or `Name <bot@x.org>`
# Limits that guard passes recursing once per level (the parser's tree walks, the JSON decoder,
# YAML's composer, printing a value): raised past these, a deep script or data file would crash
# with RecursionError instead of meeting the limit (measured: 300 nested blocks still pass, 400
# do not).
NESTING_CEILINGS = {"syntax_nesting": 200, "json_nesting": 200}
STORE_SCHEMES = ("sqlite", "memory", "redis", "rediss")  # what storage/urls.py opens
_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+){0,2}\Z")


def parse_config(source: SourceFile) -> Config:
    """Validate and read a `bubble.toml` (see the module docstring)."""
    return _ConfigReader(source).read()


@functools.lru_cache(maxsize=256)
def timezone_known(name: str) -> bool:
    """Whether pendulum knows the IANA zone `name` (only names shaped like one are looked up).
    Cached: a conversation's `user.timezone` is checked on every date call."""
    if len(name) > 64 or not _ZONE_NAME.match(name):
        return False
    try:
        pendulum.timezone(name)
    except Exception:  # noqa: BLE001 - pendulum raises several kinds for an unknown name
        return False
    return True


def _zone_suggestion(name: str) -> str | None:
    import zoneinfo  # only a bad timezone pays for the listing

    return nearest_name(name, zoneinfo.available_timezones())


def _url_parts(value: Any) -> urllib.parse.SplitResult | None:
    """The parts of a URL, or None when `value` is not a text or not a URL at all (`http://[x`)."""
    if not isinstance(value, str):
        return None
    try:
        parts = urllib.parse.urlsplit(value)
        parts.hostname  # noqa: B018 - raises ValueError for a bad bracketed host
        parts.port  # noqa: B018 - and for a port that is not a number
    except ValueError:
        return None
    return parts


def _redis_address(text: str) -> bool:
    """A `redis://` URL whose host and port can be read (`redis://[::1` cannot)."""
    parts = _url_parts(text)
    return parts is not None and bool(parts.hostname)


def _origin_like(value: Any) -> bool:
    """`https://chat.example.com` (a scheme and a readable host; a port in range)."""
    parts = _url_parts(value)
    return parts is not None and "://" in value and bool(parts.hostname)


def _described(value: Any) -> str:
    """A value as TOML would show it, shortened, for a message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "…"
        return f'"{shown}"'
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return str(value)


class _ConfigReader:
    """One pass over one file, gathering every problem before giving up."""

    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.problems: list[Diagnostic] = []
        self.places: ConfigPositions | None = None

    # -- reporting -------------------------------------------------------------------------------
    def report(self, message: str, offsets: tuple[int, int], hint: str) -> None:
        start, end = offsets
        self.problems.append(make_diagnostic("B503", message, self.source.span(start, max(end, start + 1)),
                                             hint=hint))

    def at_key(self, path: tuple[str, ...]) -> tuple[int, int]:
        assert self.places is not None
        return self.places.key(path)

    def at_value(self, path: tuple[str, ...]) -> tuple[int, int]:
        assert self.places is not None
        return self.places.value(path)

    def unknown(self, path: tuple[str, ...], known: tuple[str, ...], what: str) -> None:
        """An unknown key or section, with the nearest known one (`what`: "section", "limit",
        or "key" followed by its table)."""
        name = path[-1]
        guess = nearest_name(name, known)
        listed = ", ".join(f"`{key}`" for key in known)
        hint = f"did you mean `{guess}`?" if guess else f"use one of {listed} (see {DOCS})"
        where = f" in `[{'.'.join(path[:-1])}]`" if what == "key" else ""
        self.report(f"unknown {what} `{name}`{where}", self.at_key(path), hint)

    # -- reading ---------------------------------------------------------------------------------
    def read(self) -> Config:
        text = self.source.text
        deep = nesting_overflow(text, DEFAULT_LIMITS.json_nesting)
        if deep is not None:
            self.report(f"`bubble.toml` is nested too deeply (more than {DEFAULT_LIMITS.json_nesting} levels)",
                        (deep, deep + 1), "write the settings as plain `key = value` lines under their `[section]`")
            raise BubbleUsageError(self.problems)
        self.places = ConfigPositions(text, DEFAULT_LIMITS.json_nesting)
        parts, at = self.places.deepest_key
        if parts > DEFAULT_LIMITS.json_nesting:
            self.report(f"`bubble.toml` is nested too deeply: a key {parts:,} levels deep (more than "
                        f"{DEFAULT_LIMITS.json_nesting})", (at, at + 1),
                        "write the settings as plain `key = value` lines under their `[section]`")
            raise BubbleUsageError(self.problems)
        try:
            data: dict[str, Any] = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            # `lineno`/`colno` exist from Python 3.14; before, the place is only in the text.
            place = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
            line = getattr(error, "lineno", None) or (int(place.group(1)) if place else 1)
            column = getattr(error, "colno", None) or (int(place.group(2)) if place else 1)
            line = min(max(line, 1), self.source.line_count)
            line_end = self.source.line_starts[line] - 1 if line < self.source.line_count else len(text)
            offset = min(self.source.line_starts[line - 1] + column - 1, line_end)
            message = str(error).split(" (at ")[0]
            self.report(f"invalid TOML: {message.lower()}", (offset, offset + 1), "fix the syntax at the caret")
            raise BubbleUsageError(self.problems) from None
        except RecursionError:
            self.report("`bubble.toml` is nested too deeply", (0, 1),
                        "write the settings as plain `key = value` lines under their `[section]`")
            raise BubbleUsageError(self.problems) from None
        sections: dict[str, dict[str, Any]] = {}
        for name, value in data.items():
            if name not in SECTIONS:
                self.unknown((name,), SECTIONS, "section")
            elif not isinstance(value, dict):
                self.report(f"`{name}` must be a table, not {_described(value)}", self.at_key((name,)),
                            f"write the settings under a `[{name}]` line")
            else:
                sections[name] = value
        config = Config(
            limits=self.limits(sections.get("limits", {})),
            extensions=self.extensions(sections.get("extensions", {})),
            store=self.storage(sections.get("storage", {})),
            serve=self.serve(sections.get("serve", {})),
            mail=self.mail(sections.get("mail", {})),
            **self.bot(sections.get("bot", {})),
        )
        if self.problems:
            raise BubbleUsageError(sorted(self.problems, key=lambda d: d.sort_key))
        return config

    def text_value(self, path: tuple[str, ...], value: Any, example: str) -> str | None:
        """`value` when it is a string, else a problem (and None)."""
        if isinstance(value, str):
            return value
        self.report(f"`{path[-1]}` must be a string, not {_described(value)}", self.at_value(path),
                    f"write it in quotes, like `{path[-1]} = {example}`")
        return None

    def bot(self, table: dict[str, Any]) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        for key, value in table.items():
            path = ("bot", key)
            if key not in BOT_KEYS:
                self.unknown(path, BOT_KEYS, "key")
                continue
            if key == "timezone":
                zone = self.text_value(path, value, '"Europe/Amsterdam"')
                if zone is not None and not timezone_known(zone):
                    guess = _zone_suggestion(zone)
                    hint = (f'did you mean "{guess}"?' if guess
                            else 'use an IANA name such as "Europe/Amsterdam", "America/New_York" or "UTC"')
                    self.report(f"unknown timezone {_described(zone)}", self.at_value(path), hint)
                elif zone is not None:
                    fields["timezone"] = zone
            elif key == "title":
                title = self.text_value(path, value, '"Pizza Palace"')
                if title is not None and not 0 < len(title) <= 200:
                    self.report("`title` must be 1 to 200 characters", self.at_value(path),
                                'write the name users know the bot by, like `title = "Pizza Palace"`')
                elif title is not None:
                    fields["title"] = title
            elif key == "locale":
                locale = self.text_value(path, value, '"nl"')
                if locale is not None and shipped_locale(locale) is None:
                    guess = nearest_name(locale, available_locales())
                    known = ", ".join(sorted(available_locales()))
                    hint = f'did you mean "{guess}"?' if guess else f"use one of {known}"
                    self.report(f"unknown locale {_described(locale)}: dates cannot be written in it",
                                self.at_value(path), hint)
                elif locale is not None:
                    fields["locale"] = locale
            else:
                error_text = self.text_value(path, value, '"Sorry, something went wrong."')
                if error_text is not None and not error_text.strip():
                    self.report("`error_text` is empty: the user would see a blank message", self.at_value(path),
                                'write what the user should read, like `error_text = "Sorry, something went wrong."`')
                elif error_text is not None and len(error_text) > DEFAULT_LIMITS.string_bytes:
                    self.report("`error_text` is longer than a text may be", self.at_value(path),
                                "write a short message")
                elif error_text is not None:
                    fields["error_text"] = error_text
        return fields

    def limits(self, table: dict[str, Any]) -> Limits:
        whole = {field.name: field.type in ("int", int) for field in attrs.fields(Limits)}
        names = tuple(whole)
        changes: dict[str, Any] = {}
        for key, value in table.items():
            path = ("limits", key)
            if key not in names:
                self.unknown(path, names, "limit")
                continue
            default = getattr(DEFAULT_LIMITS, key)
            wanted = "whole number" if whole[key] else "number"
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or (whole[key] and not isinstance(value, int)):
                self.report(f"limit `{key}` must be a positive {wanted}, not {_described(value)}",
                            self.at_value(path), f"write a number like `{key} = {default}`")
            elif not math.isfinite(value) or value <= 0:
                self.report(f"limit `{key}` must be a positive {wanted}, not {_described(value)}",
                            self.at_value(path), f"write a number above 0 like `{key} = {default}`")
            elif key in NESTING_CEILINGS and value > NESTING_CEILINGS[key]:
                self.report(f"limit `{key}` may be at most {NESTING_CEILINGS[key]}, not {value}",
                            self.at_value(path),
                            f"write `{key} = {NESTING_CEILINGS[key]}` or less: some of bubble's passes "
                            "take a level of Python's stack per level of nesting")
            else:
                changes[key] = value if whole[key] else float(value)
        return attrs.evolve(DEFAULT_LIMITS, **changes) if changes else DEFAULT_LIMITS

    def extensions(self, table: dict[str, Any]) -> tuple[ExtensionServer, ...]:
        servers = []
        for name, server in table.items():
            path = ("extensions", name)
            if not isinstance(server, dict):
                self.report(f"extension server `{name}` must be a table, not {_described(server)}",
                            self.at_key(path), f'write `[extensions.{name}]` and `url = "http://127.0.0.1:8770"` under it')
                continue
            for key in server:
                if key not in EXTENSION_KEYS:
                    if key == "type" and str(server[key]).lower() == "rpc":
                        self.report(f"extension server `{name}` is an RPC server: bubble calls extensions over HTTP only",
                                    self.at_value(path + (key,)),
                                    "run the server in HTTP mode and give its `url`; Chatto's RPC mode is Go-only")
                    else:
                        self.unknown(path + (key,), EXTENSION_KEYS, "key")
            url = self.extension_url(name, server)
            token = server.get("token")
            if "token" in server and self.text_value(path + ("token",), token, '"secret"') is None:
                token = None
            timeout = self.extension_timeout(name, server)
            if url is not None:
                servers.append(ExtensionServer(name=name, url=url, token=token, timeout=timeout))
        return tuple(servers)

    def extension_url(self, name: str, server: dict[str, Any]) -> str | None:
        path = ("extensions", name, "url")
        if "url" not in server:
            self.report(f"extension server `{name}` needs a `url`", self.places.table(path[:2]) if self.places else (0, 0),
                        'add `url = "http://127.0.0.1:8770"` under it')
            return None
        url = self.text_value(path, server["url"], '"http://127.0.0.1:8770"')
        if url is None:
            return None
        parts = _url_parts(url) if "://" in url else None  # None too for `http://[::1` or port 99999
        if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            scheme = parts.scheme.lower() if parts is not None else ""
            if parts is None and "://" in url:
                message = (f"extension server `{name}` has a url that cannot be read: {_described(url)} (a bracketed "
                           "host that is not closed, or a port that is not a number from 1 to 65535)")
                hint = 'write its address, like `url = "http://127.0.0.1:8770"` or `url = "http://[::1]:8770"`'
            elif scheme in ("rpc", "grpc", "tcp") or parts is None:
                message = (f"extension server `{name}` has no http(s) url: {_described(url)} looks like an RPC "
                           "address, and bubble calls extensions over HTTP only")
                hint = "run the server in HTTP mode and write its address, like `url = \"http://127.0.0.1:8770\"`"
            else:
                message = f"extension server `{name}` needs an http:// or https:// url, not {_described(url)}"
                hint = 'write its address, like `url = "http://127.0.0.1:8770"`'
            self.report(message, self.at_value(path), hint)
            return None
        return url

    def extension_timeout(self, name: str, server: dict[str, Any]) -> float | None:
        if "timeout" not in server:
            return None
        path = ("extensions", name, "timeout")
        value = server["timeout"]
        seconds = None
        if isinstance(value, str):
            seconds = parse_duration(value)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            seconds = value
        if seconds is None or not math.isfinite(seconds) or seconds <= 0:
            self.report(f"extension server `{name}` has a bad `timeout`: {_described(value)}", self.at_value(path),
                        'write a duration above zero, like `timeout = "10s"`')
            return None
        return float(seconds)

    def storage(self, table: dict[str, Any]) -> str | None:
        store = None
        for key, value in table.items():
            path = ("storage", key)
            if key not in STORAGE_KEYS:
                self.unknown(path, STORAGE_KEYS, "key")
            else:
                store = self.text_value(path, value, '"sqlite"')
                scheme = (store or "").strip().split(":", 1)[0].lower()
                if store is not None and (scheme not in STORE_SCHEMES or (":" in store and "://" not in store)
                                          or (scheme.startswith("redis") and not _redis_address(store))):
                    self.report(f"unknown store {_described(store)}", self.at_value(path),
                                "use `sqlite`, `sqlite:///path/state.sqlite`, `memory` or `redis://host:port/db`")
                    store = None
        return store

    def mail(self, table: dict[str, Any]) -> MailConfig:
        fields: dict[str, Any] = {}
        for key, value in table.items():
            path = ("mail", key)
            if key not in MAIL_KEYS:
                self.unknown(path, MAIL_KEYS, "key")
                continue
            text = self.text_value(path, value, '"smtp://user:password@smtp.example.com:587"' if key == "smtp"
                                   else '"Pizza Palace <bot@example.com>"')
            if text is None:
                continue
            if key == "smtp":
                parts = _url_parts(text)
                if parts is None or parts.scheme not in ("smtp", "smtps") or not parts.hostname:
                    shown = _described(text.split("://", 1)[0] + "://…") if "://" in text else "that"
                    self.report(f"`smtp` must be an smtp:// or smtps:// URL, not {shown}",  # never the password
                                self.at_value(path), 'write it like `smtp = "smtp://user:password@smtp.example.com:587"`'
                                ' (better: set BUBBLE_SMTP_URL, so the password stays out of the folder)')
                else:
                    fields["smtp"] = text
            elif not _SENDER.fullmatch(text):
                self.report(f"`from` must be an e-mail address, not {_described(text)}", self.at_value(path),
                            'write it like `from = "bot@example.com"` or `from = "Pizza Palace <bot@example.com>"`')
            else:
                fields["sender"] = text
        return MailConfig(**fields)

    def serve(self, table: dict[str, Any]) -> ServeConfig:
        fields: dict[str, Any] = {}
        for key, value in table.items():
            path = ("serve", key)
            if key not in SERVE_KEYS:
                self.unknown(path, SERVE_KEYS, "key")
            elif key == "origins":
                if not isinstance(value, list) or not all(_origin_like(item) for item in value):
                    self.report(f"`origins` must be a list of origins, not {_described(value)}", self.at_value(path),
                                'write them with their scheme, like `origins = ["https://chat.example.com"]`')
                else:
                    fields["origins"] = tuple(item.rstrip("/").lower() for item in value)
            elif key == "previous_secrets":
                if not isinstance(value, list) or not all(isinstance(item, str) and len(item) >= 16 for item in value):
                    self.report("`previous_secrets` must be a list of earlier secrets (each at least 16 characters), "
                                f"not {_described(value)}", self.at_value(path),
                                'write them in quotes, like `previous_secrets = ["the-old-secret-…"]`')
                else:
                    fields["previous_secrets"] = tuple(value)
            elif key == "public_url":
                parts = _url_parts(value)
                if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or parts.query \
                        or parts.fragment:
                    self.report(f"`public_url` must be the server's http(s) address, not {_described(value)}",
                                self.at_value(path), 'write where users reach the server, like '
                                '`public_url = "https://chat.example.com"` (a path is kept: "https://example.com/bot")')
                else:
                    fields["public_url"] = value.rstrip("/")
            elif key == "token_days":
                if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= MAX_TOKEN_DAYS:
                    self.report(f"`token_days` must be a number of days from 0 to {MAX_TOKEN_DAYS}, not "
                                f"{_described(value)}", self.at_value(path),
                                "write how long a session token stays valid, like `token_days = 30`, or leave it "
                                "out so tokens never expire")
                else:
                    fields["token_days"] = float(value)
            else:
                text = self.text_value(path, value, '"a-long-random-text"')
                if text is not None and len(text) < 16:
                    self.report(f"`{key}` is too short to be secret ({len(text)} characters)", self.at_value(path),
                                "use at least 16 random characters, e.g. from `python -c 'import secrets; "
                                "print(secrets.token_urlsafe(32))'`")
                elif text is not None:
                    fields[key] = text
        return ServeConfig(**fields)
