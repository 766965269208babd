"""Shared test helpers: fixture paths and golden-file handling."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI must be repeatable: the same examples every run. Locally, Hypothesis explores new ones each run.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
GOLDEN = FIXTURES / "golden"
UPDATE_GOLDEN = os.environ.get("CVSCAN_UPDATE_GOLDEN") == "1"


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES
