"""Diagnostic codes: conversation storage (B56x), part of the usage and input family (B5xx).

They live in B5xx because `docs/diagnostics.md` groups codes by their first digit and a store
failure is, like a bad option or data file, about the environment bubble runs in, not the script.
"""

from __future__ import annotations

from ..severity import Severity
from .entry import CodeInfo

E = Severity.ERROR

CODES: tuple[CodeInfo, ...] = (
    CodeInfo(code="B560", name="bad-store-url", severity=E, title="unknown conversation store",
             what="`--store` or the `BUBBLE_STORE` environment variable names a store bubble does not know, "
                  "or a store URL is malformed.",
             why="Conversation state must go to a known, durable place; guessing could lose every conversation.",
             example="bubble serve shop.bot --store reddis://localhost:6379/0",
             fix="Use `sqlite` (the default, `.bubble/state.sqlite` beside the bot), `sqlite:///path/state.sqlite`, "
                 "`memory` or `redis://host:port/db`."),
    CodeInfo(code="B561", name="store-unavailable", severity=E, title="conversation store cannot be reached",
             what="The SQLite file cannot be opened or created, or the Redis server does not answer.",
             why="A turn is acknowledged only after its state is stored; without the store no turn can finish.",
             example="bubble serve shop.bot --store redis://localhost:6390/0   (nothing listens there)",
             fix="Start the Redis server, or check the path and permissions of the SQLite file."),
    CodeInfo(code="B562", name="store-busy", severity=E, title="conversation is busy",
             what="Another turn of the same conversation held its lock for longer than a new turn may wait.",
             why="Turns of one conversation never interleave, in one process or across several; a message that "
                 "cannot get the lock is refused rather than silently dropped.",
             example="two messages of one user arriving while an extension call of the first takes 20 s",
             fix="Send the message again later; a stuck turn is ended by the turn deadline."),
    CodeInfo(code="B563", name="turn-conflict", severity=E, title="turn was not committed",
             what="When a turn tried to commit, its conversation lock had expired and another process had taken "
                  "it over, or a timer the turn claimed had been claimed elsewhere.",
             why="Committing would overwrite a newer turn; the turn is dropped unacknowledged instead.",
             example="a turn that ran past its lock lifetime (the turn deadline) while another process waited",
             fix="Play the message again; keep turns shorter than the lock lifetime."),
    CodeInfo(code="B564", name="corrupt-state", severity=E, title="stored conversation state cannot be read",
             what="The stored data of one conversation is not JSON, or not in the shape bubble stores.",
             why="Resuming from damaged state could run a dialog from a wrong place; the conversation is set "
                 "aside (quarantined, nothing deleted) and starts fresh, other conversations are unaffected.",
             example="a state row edited by hand to `{\"version\": 1, \"frames\": 3`",
             fix="Inspect the quarantined data (SQLite table `quarantine`, Redis key `bubble:quarantine:ID`)."),
    CodeInfo(code="B565", name="newer-state", severity=E, title="state written by a newer bubble",
             what="The stored conversation state, or the store itself, has a format version newer than this "
                  "release of bubble reads.",
             why="An older bubble cannot know what the newer fields mean; it refuses instead of guessing.",
             example="rolling back a deployment after the new release stored conversations",
             fix="Run the newer bubble again, or quarantine the conversation to start it fresh."),
)
