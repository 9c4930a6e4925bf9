"""Where quizgen keeps its files: ``$QUIZGEN_HOME`` when set (tests, portable installs), else the
platform's user data and cache folders (platformdirs)."""

from __future__ import annotations

import os
from pathlib import Path


def _home() -> Path | None:
    home = os.environ.get("QUIZGEN_HOME")
    return Path(home).expanduser() if home else None


def data_dir() -> Path:
    """Progress and other data the user would miss: ``$QUIZGEN_HOME`` or the user data folder."""
    home = _home()
    if home is not None:
        return home
    import platformdirs

    return Path(platformdirs.user_data_dir("quizgen", appauthor=False))


def cache_dir(*parts: str) -> Path:
    """Files that can be rebuilt: ``$QUIZGEN_HOME/cache/...`` or the user cache folder."""
    home = _home()
    if home is not None:
        return home.joinpath("cache", *parts)
    import platformdirs

    return Path(platformdirs.user_cache_dir("quizgen", appauthor=False)).joinpath(*parts)
