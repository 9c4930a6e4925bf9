"""A teacher's own rules for an odd file, overriding detection.

Given in the notes' front matter under ``quizgen:``, or in a YAML file passed with
``quizgen parse --rules rules.yaml``::

    ---
    quizgen:
      cues: [heading]            # only these cues find questions (see `cue_names()`)
      question_level: 3          # headings of this level are the questions
      question: '^例\\d+'        # a line matching this regex starts a question
      answer: '^解[:：]'         # a line matching this regex starts the answer
      free_form: false           # read questions out of prose (paragraphs, *term*: cards)
    ---

Every key is optional. Unknown keys and bad values are errors that name the key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quizgen.errors import InputError, UsageError
from quizgen.parse.units import RULE_NAMES

# What --layout and the `cues` rule accept ("pattern" is the `question` rule's own cue).
CUES = ("heading", *(n for n in RULE_NAMES if n != "pattern"), "heading-term")
# The layouts of earlier versions, as cues (``--layout labelled`` keeps working).
LEGACY_LAYOUTS = {
    "labelled": ("heading",),
    "faq": ("heading",),
    "heading-paragraph": ("heading",),
    "choice": ("heading",),
    "qa": ("marker",),
}
_KEYS = ("cues", "question_level", "question", "answer", "free_form")


def cue_names() -> tuple[str, ...]:
    return CUES


@dataclass(frozen=True)
class Rules:
    cues: frozenset[str] | None = None
    question_level: int | None = None
    question: re.Pattern[str] | None = None
    answer: re.Pattern[str] | None = None
    free_form: bool | None = None

    @property
    def empty(self) -> bool:
        return self == Rules()


def rules_from(data: Any, where: str) -> Rules:
    """Validate a mapping of rules (from front matter or a rules file)."""
    if data is None:
        return Rules()
    if not isinstance(data, Mapping):
        raise InputError("rules must be a mapping of keys to values", where=where, hint=_hint())
    for k in data:
        if k not in _KEYS:
            raise InputError(
                f"unknown rule {k!r}; expected one of {', '.join(_KEYS)}", where=where, hint=_hint()
            )
    cues = data.get("cues")
    cue_set: frozenset[str] | None = None
    if cues is not None:
        items = [cues] if isinstance(cues, str) else cues
        if not isinstance(items, list) or not all(isinstance(c, str) for c in items):
            raise InputError("rule cues: expected a list of cue names", where=where, hint=_hint())
        expanded: list[str] = []
        for c in items:
            if c in LEGACY_LAYOUTS:
                expanded.extend(LEGACY_LAYOUTS[c])
            elif c in CUES:
                expanded.append(c)
            else:
                raise InputError(
                    f"rule cues: unknown cue {c!r}; expected some of {', '.join(CUES)}",
                    where=where,
                    hint=_hint(),
                )
        cue_set = frozenset(expanded)
    level = data.get("question_level")
    if level is not None and (isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 6):
        raise InputError(f"rule question_level: expected 1-6, got {level!r}", where=where, hint=_hint())
    free = data.get("free_form")
    if free is not None and not isinstance(free, bool):
        raise InputError(f"rule free_form: expected true or false, got {free!r}", where=where, hint=_hint())
    return Rules(
        cues=cue_set,
        question_level=level,
        question=_regex(data.get("question"), "question", where),
        answer=_regex(data.get("answer"), "answer", where),
        free_form=free,
    )


def _regex(v: Any, key: str, where: str) -> re.Pattern[str] | None:
    if v is None:
        return None
    if not isinstance(v, str) or not v:
        raise InputError(f"rule {key}: expected a regular expression", where=where, hint=_hint())
    try:
        return re.compile(v)
    except re.error as e:
        raise InputError(
            f"rule {key}: not a valid regular expression ({e})", where=where, hint=_hint()
        ) from None


def _hint() -> str:
    return "see `quizgen parse --help` and the README's Notes layouts section"


def load_rules(path: str | Path) -> Rules:
    import yaml

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError("no such rules file", where=str(p), hint="check the path") from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read the rules file: {e}", where=str(p)) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise InputError(f"not valid YAML: {e}", where=str(p), hint=_hint()) from None
    if isinstance(data, Mapping) and "quizgen" in data and len(data) == 1:
        data = data["quizgen"]
    return rules_from(data, str(p))


def front_matter_rules(front: str | None, where: str) -> Rules:
    """The ``quizgen:`` rules of a file's front matter, if any."""
    if not front or "quizgen" not in front:
        return Rules()
    import yaml

    try:
        data = yaml.safe_load(front)
    except yaml.YAMLError:
        return Rules()
    if not isinstance(data, Mapping) or "quizgen" not in data:
        return Rules()
    return rules_from(data["quizgen"], f"{where}: front matter")


def merge(first: Rules, second: Rules) -> Rules:
    """`second`'s values where set, else `first`'s."""
    return Rules(
        cues=second.cues if second.cues is not None else first.cues,
        question_level=second.question_level if second.question_level is not None else first.question_level,
        question=second.question or first.question,
        answer=second.answer or first.answer,
        free_form=second.free_form if second.free_form is not None else first.free_form,
    )
