"""The outbox (layer 9): outputs go to whoever is connected, after their turn is committed.

Input: a conversation's committed outputs (each with its `seq`), and the channels that
subscribe to the conversation. Output: each output handed to every subscriber, once, in `seq`
order. The outbox is the store's transcript: what is committed and not yet delivered waits there,
and a subscriber that connects later gets it first (from its own `after_seq`, or from the store's
delivered cursor), then live outputs. A subscriber that raises is dropped with a log line; the
others and the conversation go on.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from ..runtime.outputs import Output

Deliver = Callable[[Output], "Awaitable[None] | None"]
log = logging.getLogger("bubble")


def in_process(store: Any) -> bool:
    """Whether the store's class declares that its calls never do IO (`BaseStore.in_process`):
    read from the class, so a wrapper that adds IO around such a store is not taken for one."""
    return bool(getattr(type(store), "in_process", False))


class Subscription:
    """One channel's hold on a conversation's outputs; `close()` lets go."""

    def __init__(self, outbox: Outbox, key: str, deliver: Deliver):
        self.outbox = outbox
        self.key = key
        self.deliver = deliver
        self.last_seq = 0

    def close(self) -> None:
        self.outbox.unsubscribe(self)


class Outbox:
    """Subscribers by stored conversation key, and delivery to them."""

    def __init__(self, store: Any):
        self.store = store
        self.subscribers: dict[str, list[Subscription]] = {}

    def has_subscribers(self, key: str) -> bool:
        return bool(self.subscribers.get(key))

    async def subscribe(self, key: str, deliver: Deliver, after_seq: int | None) -> Subscription:
        """Replay what was committed after `after_seq` (default: after the last output handed
        to any channel), then keep delivering. The caller holds the conversation's turn lock, so
        no turn commits between the replay and the registration."""
        subscription = Subscription(self, key, deliver)
        after = after_seq if after_seq is not None else await asyncio.to_thread(self.store.delivered, key)
        subscription.last_seq = after
        missed = await asyncio.to_thread(self.store.outputs_since, key, after)
        self.subscribers.setdefault(key, []).append(subscription)
        await self.deliver(key, [Output.from_plain(plain) for plain in missed])
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        found = self.subscribers.get(subscription.key, [])
        if subscription in found:
            found.remove(subscription)
        if not found:
            self.subscribers.pop(subscription.key, None)

    async def deliver(self, key: str, outputs: list[Output]) -> None:
        """Hand committed outputs to every subscriber that has not seen them; then move the
        store's delivered cursor. Without subscribers they wait in the store."""
        subscribers = list(self.subscribers.get(key, ()))
        if not outputs or not subscribers:
            return
        for subscription in subscribers:
            for output in outputs:
                if output.seq and output.seq <= subscription.last_seq:
                    continue  # already replayed to this one
                try:
                    result = subscription.deliver(output)
                    if inspect.isawaitable(result):
                        await result
                except Exception as error:  # noqa: BLE001 - one channel's failure is not the conversation's
                    log.warning("conversation %s: a channel failed to take output %s (%s); it is dropped",
                                key, output.seq, error)
                    subscription.close()
                    break
                subscription.last_seq = max(subscription.last_seq, output.seq)
        last = max(output.seq for output in outputs)
        if last:
            if in_process(self.store):  # no IO: a thread hop would cost more
                self.store.mark_delivered(key, last)
            else:
                await asyncio.to_thread(self.store.mark_delivered, key, last)
