"""Shared fixtures. Tests that need `../shared/eval` skip with a reason where it is absent
(a user's clone has no ../shared)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BANK_DIR = ROOT / "bank"
SEED_NOTES = BANK_DIR / "deep_learning.md"
SEED_BANK = BANK_DIR / "deep_learning.yaml"
SHARED = Path(os.environ.get("QUIZGEN_SHARED", ROOT.parent / "shared"))
EVAL_DIR = SHARED / "eval"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    # Progress stores and embedding caches never touch the real user's data directory.
    home = tmp_path_factory.mktemp("quizgen-home")
    monkeypatch.setenv("QUIZGEN_HOME", str(home))
    # The interface speaks English in tests unless a test asks for Chinese (quizgen.i18n).
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "QUIZGEN_LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    from quizgen.i18n import set_language

    set_language("en")


@pytest.fixture(scope="session")
def seed_notes() -> Path:
    return SEED_NOTES


@pytest.fixture(scope="session")
def seed_bank():  # type: ignore[no-untyped-def]
    from quizgen.parse import parse_file

    return parse_file(SEED_NOTES).bank


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    if not EVAL_DIR.is_dir():
        pytest.skip(f"evaluation data not found at {EVAL_DIR} (only present in the development workspace)")
    return EVAL_DIR
