"""`python -m bubble_lang` runs the `bubble` command."""

from .cli.main import run

run()
