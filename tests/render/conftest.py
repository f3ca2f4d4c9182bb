"""Fixtures for the render tests; the diagnostics themselves live in `render_cases`."""

from __future__ import annotations

import pytest
from render_cases import CASES

from bubble_lang.diagnostics import Diagnostic


@pytest.fixture(params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> Diagnostic:
    """Each shared diagnostic in turn."""
    return CASES[request.param]
