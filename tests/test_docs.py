"""The Python examples of the documentation run as they stand, from the repository root."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["docs/embedding.md", "docs/extensions.md"]
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def examples() -> list[tuple[str, int, str]]:
    found = []
    for page in PAGES:
        text = (ROOT / page).read_text(encoding="utf-8")
        for number, block in enumerate(BLOCK.findall(text), 1):
            found.append((page, number, block))
    return found


@pytest.mark.parametrize("page, number, code", examples(), ids=lambda v: str(v) if isinstance(v, int) else None)
def test_example_runs(page: str, number: int, code: str):
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{page} example {number} failed:\n{result.stderr}"
    assert "Traceback" not in result.stderr
