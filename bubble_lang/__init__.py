"""bubble: a compiler and interpreter for a Bubblescript-style chatbot dialog language.

The public API, loaded on first use so that importing one module of the package (the lexer, the
renderers) does not import the whole interpreter:

    from bubble_lang import load_bot
    conversation = load_bot("samples/pizza.bot").conversation("user-1")
    conversation.send_text("hi")
"""

from __future__ import annotations

from typing import Any

_EXPORTS = {
    "load_bot": ("bubble_lang.engine.bot", "load_bot"),
    "Bot": ("bubble_lang.engine.bot", "Bot"),
    "Conversation": ("bubble_lang.engine.bot", "Conversation"),
    "DurableConversation": ("bubble_lang.engine.durable", "DurableConversation"),
    "Runner": ("bubble_lang.engine.runner", "Runner"),
    "step": ("bubble_lang.vm.step", "step"),
    "Step": ("bubble_lang.runtime.steps", "Step"),
    "Output": ("bubble_lang.runtime.outputs", "Output"),
    "Diagnostic": ("bubble_lang.diagnostics", "Diagnostic"),
    "BubbleError": ("bubble_lang.diagnostics", "BubbleError"),
    "parse_script": ("bubble_lang.build", "parse_script"),
    "render_diagnostics": ("bubble_lang.render", "render_diagnostics"),
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'bubble_lang' has no attribute {name!r}")
    import importlib

    module_name, attribute = _EXPORTS[name]
    return getattr(importlib.import_module(module_name), attribute)
