"""The README's library example runs as written (so it cannot rot)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT


def _python_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


@pytest.mark.slow
def test_library_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = _python_blocks()
    assert blocks, "README has no python example"
    code = blocks[0].replace('"bank/deep_learning.md"', repr(str(ROOT / "bank" / "deep_learning.md")))
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {"__name__": "readme_example"})
    assert (tmp_path / "my_bank.yaml").is_file()
    assert (tmp_path / "items.yaml").is_file()
    assert (tmp_path / "paper.html").is_file()
    assert (tmp_path / "paper-key.html").is_file()


def test_readme_names_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in text and "make test" in text
