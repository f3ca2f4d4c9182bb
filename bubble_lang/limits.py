"""Every budget of SPEC §13 in one place (layer 1).

The defaults are the contract's; `bubble.toml` may override them. Code that enforces a limit reads
it from a `Limits` instance, never from a literal.
"""

from __future__ import annotations

import attrs


@attrs.frozen(kw_only=True)
class Limits:
    """Budgets for untrusted scripts and messages; each has a test that hits it."""

    vm_steps_per_turn: int = 100_000
    stack_depth: int = 100
    syntax_nesting: int = 100
    string_bytes: int = 1024 * 1024
    value_bytes: int = 1024 * 1024  # a value's size written out in full (a list holding itself twice counts twice)
    collection_items: int = 10_000
    range_items: int = 100_000
    integer_magnitude: int = 2**53
    trigger_regex_chars: int = 1_000
    regex_group_nesting: int = 20
    regex_repeat: int = 1_000
    regex_bound_product: int = 100_000
    regex_seconds_per_call: float = 0.05
    regex_seconds_per_turn: float = 0.25
    match_text_chars: int = 4_096
    json_nesting: int = 64
    extension_seconds: float = 10.0
    extension_bytes: int = 1024 * 1024
    websocket_frame_bytes: int = 64 * 1024
    besser_frame_bytes: int = 8 * 1024 * 1024  # the BESSER endpoint's frames carry files as base64 (serving.md §1.8)
    messages_per_second: float = 5.0
    message_burst: int = 10
    sockets_per_address: int = 1_000  # open WebSockets from one client address (more close with 1013)
    address_messages_per_second: float = 50.0  # frames from all sockets of one client address together
    address_message_burst: int = 100
    address_new_conversations_per_minute: float = 120.0  # conversations one client address may start
    address_connections_per_second: float = 50.0  # WebSockets one client address may open (more: 1013)
    address_connection_burst: int = 1_000
    address_new_conversation_burst: int = 100
    request_receipt_seconds: float = 10.0  # to send a whole HTTP request or handshake (Slowloris)
    turn_deadline_seconds: float = 30.0
    duration_seconds: float = 100 * 366 * 24 * 3600  # the longest duration a script or `/time` may use
    source_bytes: int = 8 * 1024 * 1024
    scheduled_events: int = 1_000  # `emit … in:/at:` waiting in one conversation (their data together: value_bytes)
    tags: int = 1_000  # tags one conversation holds
    wizard_checkpoints: int = 50  # wizard step boundaries one conversation keeps for Back (oldest dropped)
    wizard_bytes: int = 4 * 1024 * 1024  # their copies of the variables, all together (oldest dropped)


DEFAULT_LIMITS = Limits()
