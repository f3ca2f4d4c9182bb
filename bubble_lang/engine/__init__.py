"""The host side (layer 9): loading bots and playing conversation turns.

Loading the package loads the pipeline runner too, so `load_bot(path).runner(…)` is there
whichever engine module a program imports first (`bot.py` cannot import it: see `Bot.runner`).
"""

from . import pipeline_runner  # noqa: F401 - registers Bot.runner
