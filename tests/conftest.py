"""Shared test helpers: fixture paths and golden-file handling."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import settings

# CI must be repeatable: the same examples every run. Locally, Hypothesis explores new ones each run.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
GOLDEN = FIXTURES / "golden"
UPDATE_GOLDEN = os.environ.get("CVSCAN_UPDATE_GOLDEN") == "1"


def fixture_generator() -> ModuleType:
    """fixtures/generate.py as a module, for tests that make documents too big to keep (make_long_cv)."""
    return _load_generator("cvscan_fixture_generate", FIXTURES / "generate.py")


def hostile_generator() -> ModuleType:
    """fixtures/hostile/generate.py as a module: its PDF builders, for tests that make PDFs of their own."""
    return _load_generator("cvscan_hostile_generate", FIXTURES / "hostile" / "generate.py")


def _load_generator(name: str, path: Path) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES
