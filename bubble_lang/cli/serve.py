"""`bubble serve BOT`: the WebSocket and HTTP server (SPEC §15), on uvicorn; `--telegram` also
polls Telegram for the same bot, `--telegram-webhook URL` has Telegram call this server instead
(`messengers/telegram/`).

Loads and checks the bot (a broken bot never starts serving), opens its store (SQLite beside the
bot unless `--store` or `$BUBBLE_STORE` says otherwise), reads the server's secret and API key
(environment, then `[serve]` in bubble.toml, then a secret generated once into the store folder),
and runs `bubble_lang.serve` until SIGTERM or Ctrl-C, which finish the turns in flight first.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import logging
import os
import sys
import urllib.parse
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..diagnostics import BubbleError
from ..engine.bot import load_bot
from ..engine.runner import Runner
from ..gcpause import tune_for_serving
from ..render import render_diagnostics
from .common import load_failure_code, stream_color
from .run import open_bot_store, store_url_for, warn_unknown_extensions


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("serve", help="serve a bot over WebSocket and HTTP")
    parser.add_argument("bot", metavar="BOT", help="a .bot file or a bot directory")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port of /ws and the HTTP API (default: 8080)")
    parser.add_argument("--store", metavar="URL", default=None,
                        help="where conversations are kept: sqlite (default: .bubble/state.sqlite beside the bot), "
                             "sqlite:///path, redis://host:port/db, or memory; also $BUBBLE_STORE")
    parser.add_argument("--origin", action="append", default=[], metavar="ORIGIN",
                        help="another origin allowed to open /ws, e.g. https://chat.example.com (repeatable; "
                             "the server's own and loopback always are)")
    parser.add_argument("--besser", action="store_true", help="also open the BESSER-compatible endpoint")
    parser.add_argument("--besser-port", type=int, default=8765, help="its port (default: 8765)")
    parser.add_argument("--reload", action="store_true",
                        help="serve each edit of the bot that compiles; a broken edit is logged and the old version "
                             "keeps serving (needs the `serve` extra's watchfiles)")
    parser.add_argument("--telegram", action="store_true",
                        help="also serve the bot on Telegram by long polling (token from $TELEGRAM_BOT_TOKEN)")
    parser.add_argument("--telegram-webhook", metavar="URL", default=None,
                        help="also serve the bot on Telegram by webhook: Telegram POSTs each update to URL (public, "
                             "HTTPS, forwarded to this server; bubble listens at its path); token from "
                             "$TELEGRAM_BOT_TOKEN")
    parser.add_argument("--telegram-webhook-port", type=int, default=None, metavar="PORT",
                        help="serve the webhook on a port of its own, in one process (needed with --workers: "
                             "forward the webhook's URL to this port)")
    parser.add_argument("--telegram-api", metavar="URL", default=None,
                        help="another Bot API server (default: https://api.telegram.org; also $TELEGRAM_API_URL)")
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="N server processes on one port, sharing a Redis store (default: 1; docs/scaling.md)")
    parser.add_argument("--log-level", default="info", choices=("debug", "info", "warning", "error"))
    parser.set_defaults(handler=serve_bot)


def serve_bot(args: argparse.Namespace) -> int:
    try:
        from ..serve.launch import run_server  # noqa: F401 - the `serve` extra is installed
        from ..serve.session_tokens import load_secret
        from ..serve.workers import serve_workers
    except ImportError as error:  # the `serve` extra is optional
        sys.stderr.write(f"bubble serve: {error.name or 'a server package'} is not installed\n"
                         "help: install the server's packages with `pip install 'bubble-lang[serve]'`\n")
        return 2

    color = stream_color(sys.stderr)
    refused = _telegram_options_refused(args)
    if refused:
        sys.stderr.write(refused)
        return 2
    if args.workers < 1:
        sys.stderr.write("bubble serve: --workers N needs N ≥ 1\n")
        return 2
    try:
        bot = load_bot(args.bot)
    except BubbleError as error:
        sys.stderr.write(render_diagnostics(error.diagnostics, "full", color=color))
        return load_failure_code(error.diagnostics)
    store_url = store_url_for(bot, args.store)
    if args.workers > 1 and not store_url.startswith(("redis://", "rediss://")):
        sys.stderr.write("bubble serve: more than one worker needs a shared store\n"
                         "help: run Redis and add `--store redis://127.0.0.1:6379/0` (docs/scaling.md)\n")
        return 2
    warn_unknown_extensions(bot)
    logging.basicConfig(level=getattr(logging, args.log_level.upper()), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    if args.workers == 1:
        return _serve_one(args, bot, store_url, None, 0)
    bot_path = Path(args.bot)
    load_secret(bot.image.config.serve.secret, (bot_path if bot_path.is_dir() else bot_path.parent) / ".bubble")
    return serve_workers(args.workers, args.host, args.port,
                         lambda sock, index: _serve_one(args, load_bot(args.bot), store_url, sock, index))


def _telegram_options_refused(args: argparse.Namespace) -> str | None:
    """What is wrong with the Telegram options (a message with a help line), or None."""
    if args.telegram_webhook_port is not None and not args.telegram_webhook:
        return "bubble serve: --telegram-webhook-port goes with --telegram-webhook URL\n"
    if not (args.telegram or args.telegram_webhook):
        return None
    flag = "--telegram" if args.telegram else "--telegram-webhook"
    if args.telegram and args.telegram_webhook:
        return ("bubble serve: --telegram (long polling) and --telegram-webhook exclude each other\n"
                "help: Telegram sends a bot's updates one way: keep one of them\n")
    if not os.environ.get("TELEGRAM_BOT_TOKEN", "").strip():
        return (f"bubble serve: {flag} needs the bot's token in $TELEGRAM_BOT_TOKEN\n"
                "help: ask @BotFather for a token, then `export TELEGRAM_BOT_TOKEN=…`\n")
    api = _telegram_api(args)
    if not api.startswith(("http://", "https://")):
        return f"bubble serve: --telegram-api must be an http(s) URL, not `{api}`\n"
    if args.telegram_webhook:
        hook = urlsplit(args.telegram_webhook)
        if hook.scheme not in ("http", "https") or not hook.hostname:
            return (f"bubble serve: --telegram-webhook must be an http(s) URL, not `{args.telegram_webhook}`\n"
                    "help: the public HTTPS address Telegram should call, e.g. https://bot.example.com/telegram\n")
        path = hook.path.rstrip("/")
        own_port = args.telegram_webhook_port
        if own_port is None and (path in ("", "/ws", "/healthz", "/webchat", "/api")
                                 or path.startswith(("/webchat/", "/api/"))):
            return (f"bubble serve: --telegram-webhook's path `{hook.path or '/'}` is one of the server's own\n"
                    "help: give it a path of its own, e.g. https://bot.example.com/telegram\n")
        if own_port is not None and not 0 < own_port < 65536:
            return f"bubble serve: --telegram-webhook-port must be a port number, not {own_port}\n"
        if own_port is not None and own_port in (args.port, args.besser_port if args.besser else None):
            return (f"bubble serve: --telegram-webhook-port {own_port} is already the port of another endpoint\n"
                    "help: give the webhook a port of its own\n")
        if args.workers > 1 and own_port is None:
            return ("bubble serve: with --workers, the webhook needs a port of its own: on the shared port any "
                    "worker could get Telegram's calls, and each would also send the output of chats another "
                    "heard\n"
                    "help: add --telegram-webhook-port PORT (one worker listens there) and forward the webhook's "
                    "URL to it\n")
    return None


def _telegram_api(args: argparse.Namespace) -> str:
    return args.telegram_api or os.environ.get("TELEGRAM_API_URL") or "https://api.telegram.org"


def webhook_secret(server_secret: bytes) -> str:
    """The webhook's secret token, derived from the server's secret: the same after a restart, so
    an update Telegram sends again with the old header is still accepted (hex: a token Telegram
    takes)."""
    return hmac.new(server_secret, b"telegram-webhook", hashlib.sha256).hexdigest()


def _serve_one(args: argparse.Namespace, bot: Any, store_url: str, sock: Any, index: int) -> int:
    """One server process (the only one, or worker `index` on the parent's socket)."""
    from ..serve.hub import ServeSettings
    from ..serve.launch import run_server
    from ..serve.session_tokens import TokenSigner, load_secret, previous_secrets

    color = stream_color(sys.stderr)
    bot_path = Path(args.bot)
    try:
        store = open_bot_store(bot, bot_path, store_url)
    except BubbleError as error:
        sys.stderr.write(render_diagnostics(error.diagnostics, "full", color=color))
        return 2
    serve_config = bot.image.config.serve
    folder = (bot_path if bot_path.is_dir() else bot_path.parent) / ".bubble"
    origins = tuple(origin.rstrip("/").lower() for origin in args.origin) + serve_config.origins
    if serve_config.public_url:  # the page served from the public address is this server's own
        public = urllib.parse.urlsplit(serve_config.public_url)
        origins += (f"{public.scheme}://{public.netloc}".lower(),)
    runner = Runner(bot, store, channel="websocket")
    secret = load_secret(serve_config.secret, folder)
    max_age = serve_config.token_days * 86_400 if serve_config.token_days is not None else None
    signer = TokenSigner(secret, runner.bot_id, previous=previous_secrets(serve_config.previous_secrets),
                         max_age=max_age)
    settings = ServeSettings(signer=signer,
                             api_key=os.environ.get("BUBBLE_API_KEY") or serve_config.api_key, origins=origins,
                             limits=bot.image.config.limits, public_url=serve_config.public_url)
    tune_for_serving()  # start-up objects frozen, fewer full collections (docs/besser.md)
    if not settings.api_key and index == 0:
        logging.getLogger("bubble.serve").info("no API key configured: the HTTP API answers 401 (set BUBBLE_API_KEY)")
    telegram = None
    if args.telegram and index == 0:  # one poller per bot: Telegram answers a second one with 409
        from ..messengers.telegram.long_polling import LongpollingInterface

        telegram = LongpollingInterface(os.environ["TELEGRAM_BOT_TOKEN"].strip(), base_url=_telegram_api(args))
    elif args.telegram_webhook and index == 0:  # one process takes Telegram's calls (checked above)
        from ..messengers.telegram.webhook import WebhookInterface

        telegram = WebhookInterface(os.environ["TELEGRAM_BOT_TOKEN"].strip(), url=args.telegram_webhook,
                                    secret_token=webhook_secret(secret), base_url=_telegram_api(args))
        hook = urlsplit(args.telegram_webhook)
        if hook.scheme != "https" and hook.hostname not in ("127.0.0.1", "localhost", "::1"):
            logging.getLogger("bubble.telegram").warning(
                "Telegram calls only https:// webhooks (ports 443, 80, 88, 8443); %s is not one",
                f"{hook.scheme}://{hook.netloc}")
    relay_url = store_url if store_url.startswith(("redis://", "rediss://")) else None
    try:
        asyncio.run(run_server(runner, settings, args.host, args.port,
                               besser_port=args.besser_port if args.besser and index == 0 else None,
                               log_level=args.log_level, reload_path=bot_path if args.reload else None,
                               telegram=telegram, telegram_port=args.telegram_webhook_port, relay_url=relay_url,
                               sockets=[sock] if sock is not None else None))
    except KeyboardInterrupt:
        pass
    finally:
        store.close()
    return 0
