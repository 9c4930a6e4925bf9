"""`quizgen --help` must stay light: no jieba, torch, sentence-transformers or numpy.

Same idea as pallets/click's tests/test_imports.py: run the real entry point in a fresh
interpreter and look at what it imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

HEAVY = ("jieba", "torch", "sentence_transformers", "numpy", "transformers", "scipy", "sklearn")

# Runs `quizgen --help` (what `python -m quizgen --help` runs) and reports the imported modules.
IMPORT_TEST = """\
import json, sys
sys.argv = ["quizgen", "--help"]
from quizgen.cli import main
try:
    main()
except SystemExit as e:
    code = e.code
else:
    code = 0
sys.stdout.write("\\n@@MODULES@@" + json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _env() -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


@pytest.mark.slow
def test_help_imports_nothing_heavy() -> None:
    r = subprocess.run(
        [sys.executable, "-c", IMPORT_TEST], capture_output=True, text=True, timeout=120, env=_env()
    )
    assert r.returncode == 0, r.stderr
    help_text, _, report = r.stdout.partition("@@MODULES@@")
    data = json.loads(report)
    assert data["code"] in (0, None)
    assert "parse" in help_text and "bank" in help_text
    heavy = sorted(m for m in data["modules"] if m.split(".")[0] in HEAVY)
    assert heavy == [], f"`quizgen --help` imported {heavy}"
    # the parser itself is only imported by the commands that parse
    assert "quizgen.parse" not in data["modules"]
    # generate, quiz, export and grade commands load only when they run (quizgen.ui.registry)
    loaded = sorted(
        m
        for m in data["modules"]
        if m.startswith("quizgen.") and m.endswith("_cmd") and m != "quizgen.ui.bank_cmds"
    )
    assert loaded == [], f"`quizgen --help` imported {loaded}"


@pytest.mark.slow
def test_python_dash_m_quizgen_help() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "quizgen", "--help"], capture_output=True, text=True, timeout=120, env=_env()
    )
    assert r.returncode == 0, r.stderr
    assert "Usage: " in r.stdout and "parse" in r.stdout
    assert r.stderr == ""
