"""Question bank records and their YAML/JSON form.

The bank is the hand-editable middle of the pipeline (notes -> bank -> items), so the
YAML keeps unicode as is, uses block scalars for multi-line text and validates on load
with the path of the offending field (``questions[3].sections[0].kind``).

`detect_kind` tells a bank from an items file and from notes; `loads` uses it to refuse
notes ("looks like notes, not a bank", with the `quizgen parse` command to run) and items
files ("is an items file (from quizgen generate), not a bank") instead of reporting YAML
syntax or unknown fields.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import re
import stat
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

import yaml

from quizgen import fastyaml
from quizgen.errors import BankError, InputError, QuizgenError
from quizgen.text import content_hash, normalize

SCHEMA_VERSION = 1


class SectionKind(StrEnum):
    ANSWER = "answer"
    EXAMPLE = "example"
    EXPLANATION = "explanation"
    PRINCIPLE = "principle"
    APPLICATION = "application"
    ADVANTAGE = "advantage"
    DISADVANTAGE = "disadvantage"
    SOLUTION = "solution"
    IMPLEMENTATION = "implementation"
    STEPS = "steps"
    FEATURE = "feature"
    NOTE = "note"
    OPTIONS = "options"  # a choice question's options: items with the letter as term (A, B, ...)
    OTHER = "other"


# Label (as written in the notes, colon stripped) -> kind. Unknown labels become OTHER
# and keep their label, so nothing the author wrote is lost.
LABEL_KINDS: dict[str, SectionKind] = {
    "答案": SectionKind.ANSWER,
    "参考答案": SectionKind.ANSWER,
    "回答": SectionKind.ANSWER,
    "举例": SectionKind.EXAMPLE,
    "例子": SectionKind.EXAMPLE,
    "示例": SectionKind.EXAMPLE,
    "例如": SectionKind.EXAMPLE,
    "解析": SectionKind.EXPLANATION,
    "解释": SectionKind.EXPLANATION,
    "说明": SectionKind.EXPLANATION,
    "分析": SectionKind.EXPLANATION,
    "原理": SectionKind.PRINCIPLE,
    "应用": SectionKind.APPLICATION,
    "应用场景": SectionKind.APPLICATION,
    "用途": SectionKind.APPLICATION,
    "优点": SectionKind.ADVANTAGE,
    "优势": SectionKind.ADVANTAGE,
    "缺点": SectionKind.DISADVANTAGE,
    "劣势": SectionKind.DISADVANTAGE,
    "局限性": SectionKind.DISADVANTAGE,
    "解决方法": SectionKind.SOLUTION,
    "解决方案": SectionKind.SOLUTION,
    "方法": SectionKind.SOLUTION,
    "实现方式": SectionKind.IMPLEMENTATION,
    "实现方法": SectionKind.IMPLEMENTATION,
    "实现": SectionKind.IMPLEMENTATION,
    "实现步骤": SectionKind.STEPS,
    "步骤": SectionKind.STEPS,
    "流程": SectionKind.STEPS,
    "过程": SectionKind.STEPS,
    "特点": SectionKind.FEATURE,
    "特征": SectionKind.FEATURE,
    "注意": SectionKind.NOTE,
    "注意事项": SectionKind.NOTE,
    "备注": SectionKind.NOTE,
    "选项": SectionKind.OPTIONS,
}


def kind_for_label(label: str) -> SectionKind:
    return LABEL_KINDS.get(label.strip(), SectionKind.OTHER)


@dataclass(frozen=True)
class ListItem:
    """One entry of a numbered or bulleted list: ``1. **特征提取：** 使用卷积层…``.

    In an OPTIONS section the term is the option's letter (``A``) and the text the option."""

    term: str | None
    text: str


@dataclass(frozen=True)
class Section:
    """A labelled block (``**解析：**``): lead sentence, list, closing paragraph."""

    label: str
    kind: SectionKind
    lead: str = ""
    items: tuple[ListItem, ...] = ()
    text: str = ""

    def full_text(self) -> str:
        parts = [self.lead]
        for i, it in enumerate(self.items, 1):
            if self.kind is SectionKind.OPTIONS:
                parts.append(f"{it.term}. {it.text}" if it.term else it.text)
            else:
                parts.append(f"{i}. {it.term}：{it.text}" if it.term else f"{i}. {it.text}")
        parts.append(self.text)
        return "\n".join(p for p in parts if p)


@dataclass(frozen=True)
class Grading:
    """A teacher's per-question override for the grader."""

    required: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()


class QuestionKind(StrEnum):
    """What the notes' author wrote: an open question (the usual Q&A), or an objective question
    of their own, kept as written (a teacher's question beats a generated one)."""

    OPEN = "open"
    CHOICE = "choice"  # options section + answer letters (``D`` or ``A, C``)
    TF = "tf"  # a statement; answer 对 or 错
    FILL = "fill"  # title with ＿＿＿ per blank; `blanks` the fillers in order; answer the filled text


BLANK = "＿＿＿"

_LETTERS_ANSWER_RE = re.compile(r"^\s*[A-Z](?:\s*[,，、/]?\s*[A-Z])*\s*$")


@dataclass(frozen=True)
class Question:
    id: str
    number: int
    title: str
    prompt: str = ""
    answer: str = ""
    sections: tuple[Section, ...] = ()
    # Each group names one thing several ways: (卷积神经网络, CNN). Fill-in items and the
    # grader accept any member of a group for any other.
    aliases: tuple[tuple[str, ...], ...] = ()
    duplicate_of: str | None = None
    line: int = 0
    group: str | None = None  # the `## 一、…` heading the question sits under, if any
    flags: tuple[str, ...] = ()  # "no_answer", "answer_unmarked"
    grading: Grading | None = None
    # The number as written in the notes when it is not simply `number`: "Q1.1.1" in an
    # FAQ, "3" for the third question under a second `## 二、` group.
    ref: str | None = None
    kind: QuestionKind = QuestionKind.OPEN
    blanks: tuple[str, ...] = ()  # FILL: the right filler of each ＿＿＿ in the title, in order
    # Other acceptable model answers (a teacher's second wording); the grader takes the best.
    alternatives: tuple[str, ...] = ()
    # Shared material the question refers to (a case, a table, a passage), as written.
    context: str = ""

    @property
    def has_answer(self) -> bool:
        return bool(self.answer.strip())

    @property
    def stem(self) -> str:
        """What to ask: the 题目 if written, else the heading."""
        return self.prompt or self.title

    @property
    def options(self) -> tuple[ListItem, ...]:
        """A choice question's options (term = letter), else ()."""
        s = self.section(SectionKind.OPTIONS)
        return s.items if s else ()

    @property
    def correct_options(self) -> tuple[str, ...]:
        """The letters of a choice question's right options (its answer is ``D`` or ``A, C``)."""
        if not self.options or not _LETTERS_ANSWER_RE.match(self.answer):
            return ()
        return tuple(re.findall(r"[A-Z]", self.answer))

    def names(self) -> set[str]:
        """Every alias name of this question, for matching."""
        return {n for g in self.aliases for n in g}

    def section(self, kind: SectionKind) -> Section | None:
        return next((s for s in self.sections if s.kind is kind), None)

    def reference_text(self) -> str:
        """The full model answer: 答案 plus every other block, for grading."""
        parts = [self.answer] + [s.full_text() for s in self.sections if s.kind is not SectionKind.ANSWER]
        return "\n".join(p for p in parts if p)


@dataclass(frozen=True)
class Source:
    file: str
    sha256: str
    layout: str = ""


@dataclass(frozen=True)
class Bank:
    title: str
    questions: tuple[Question, ...] = ()
    source: Source | None = None
    schema_version: int = SCHEMA_VERSION
    _index: dict[str, Question] = field(default_factory=dict, compare=False, repr=False, hash=False)

    def __post_init__(self) -> None:
        self._index.clear()
        for q in self.questions:
            self._index.setdefault(q.id, q)

    def __iter__(self) -> Iterator[Question]:
        return iter(self.questions)

    def __len__(self) -> int:
        return len(self.questions)

    def unique(self) -> tuple[Question, ...]:
        """Questions that are not near-duplicates of an earlier one."""
        return tuple(q for q in self.questions if q.duplicate_of is None)

    def get(self, ref: str | int) -> Question | None:
        """Look a question up by id, by number, by its written number (``Q1.1.1``), or by a
        unique id prefix of 4+ characters."""
        key = str(ref).strip()
        if key in self._index:
            return self._index[key]
        if key.isdigit():
            n = int(key)
            return next((q for q in self.questions if q.number == n), None)
        folded = key.casefold()
        by_ref = [q for q in self.questions if q.ref is not None and q.ref.casefold() == folded]
        if by_ref:
            return next((q for q in by_ref if q.duplicate_of is None), by_ref[0])
        matches = [q for q in self.questions if q.id.startswith(key)] if len(key) >= 4 else []
        return matches[0] if len(matches) == 1 else None

    def without_duplicates(self) -> Bank:
        return replace(self, questions=self.unique(), _index={})


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a big bank is parsed, read or written: that
    makes millions of small acyclic objects, and the collector's passes over them cost a
    fifth of the time. Restored on exit, also on errors."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def question_id(title: str, repeat: int = 1) -> str:
    """Stable id: a hash of the normalised title; the `repeat`-th question with the same title
    (2, 3, ...) gets the suffix ``-2``, ``-3``."""
    base = content_hash(normalize(title), length=10)
    return base if repeat <= 1 else f"{base}-{repeat}"


# ---------------------------------------------------------------------------- dict form


def _section_to_dict(s: Section) -> dict[str, Any]:
    return {
        "label": s.label,
        "kind": s.kind.value,
        "lead": s.lead,
        "items": [{"term": it.term, "text": it.text} for it in s.items],
        "text": s.text,
    }


def question_to_dict(q: Question) -> dict[str, Any]:
    d: dict[str, Any] = {
        "id": q.id,
        "number": q.number,
        "title": q.title,
        "prompt": q.prompt,
        "answer": q.answer,
        "sections": [_section_to_dict(s) for s in q.sections],
        "aliases": [_Flow(g) for g in q.aliases],
        "duplicate_of": q.duplicate_of,
        "line": q.line,
    }
    if q.ref is not None:
        d["ref"] = q.ref
    if q.group is not None:
        d["group"] = q.group
    if q.flags:
        d["flags"] = _Flow(q.flags)
    if q.grading:
        d["grading"] = {"required": list(q.grading.required), "forbidden": list(q.grading.forbidden)}
    if q.kind is not QuestionKind.OPEN:
        d["kind"] = q.kind.value
    if q.blanks:
        d["blanks"] = list(q.blanks)
    if q.alternatives:
        d["alternatives"] = list(q.alternatives)
    if q.context:
        d["context"] = q.context
    return d


def bank_to_dict(bank: Bank) -> dict[str, Any]:
    d: dict[str, Any] = {"schema_version": bank.schema_version, "title": bank.title}
    if bank.source:
        d["source"] = {"file": bank.source.file, "sha256": bank.source.sha256}
        if bank.source.layout:
            d["source"]["layout"] = bank.source.layout
    else:
        d["source"] = None
    d["questions"] = [question_to_dict(q) for q in bank.questions]
    return d


_TOP_KEYS = ("schema_version", "title", "source", "questions")
_SOURCE_KEYS = ("file", "sha256", "layout")
_QUESTION_KEYS = (
    "id",
    "number",
    "title",
    "prompt",
    "answer",
    "sections",
    "aliases",
    "duplicate_of",
    "line",
    "ref",
    "group",
    "flags",
    "grading",
    "kind",
    "blanks",
    "alternatives",
    "context",
)
_SECTION_KEYS = ("label", "kind", "lead", "items", "text")
_ITEM_KEYS = ("term", "text")
_GRADING_KEYS = ("required", "forbidden")


class _V:
    """Validation helpers that know the path of the value they look at."""

    def __init__(self, where: str, text: str | None = None) -> None:
        self.where = where
        self.text = text

    def fail(self, path: str, msg: str) -> BankError:
        where = self.where
        line = _line_of(self.text, path) if self.text is not None else None
        if line is not None:
            where = f"{where}:{line}"
        return BankError(
            f"{path}: {msg}",
            where=where,
            hint="fix that field in the bank file, or re-create it with `quizgen parse`",
        )

    def mapping(self, v: Any, path: str, keys: tuple[str, ...]) -> Mapping[str, Any]:
        if not isinstance(v, Mapping):
            raise self.fail(path, f"expected a mapping, got {_type_name(v)}")
        for k in v:
            if k not in keys:
                sub = f"{path}.{k}" if path != "(top level)" else str(k)
                raise self.fail(sub, f"unknown field {k!r}; expected one of {', '.join(keys)}")
        return v

    def sub(self, path: str, key: str) -> str:
        return key if path == "(top level)" else f"{path}.{key}"

    def str_(
        self, d: Mapping[str, Any], key: str, path: str, *, required: bool = False, default: str = ""
    ) -> str:
        if key not in d or d[key] is None:
            if required:
                raise self.fail(self.sub(path, key), "is required")
            return default
        v = d[key]
        if isinstance(v, bool) or not isinstance(v, str | int | float):
            raise self.fail(self.sub(path, key), f"expected text, got {_type_name(v)}")
        return str(v)

    def opt_str(self, d: Mapping[str, Any], key: str, path: str) -> str | None:
        if d.get(key) is None:
            return None
        return self.str_(d, key, path)

    def int_(
        self,
        d: Mapping[str, Any],
        key: str,
        path: str,
        *,
        required: bool = False,
        default: int = 0,
        minimum: int = 0,
    ) -> int:
        v = d.get(key)
        if v is None:
            if required:
                raise self.fail(self.sub(path, key), "is required")
            return default
        if isinstance(v, bool) or not isinstance(v, int):
            raise self.fail(self.sub(path, key), f"expected an integer, got {v!r}")
        if v < minimum:
            raise self.fail(self.sub(path, key), f"expected an integer >= {minimum}, got {v}")
        return v

    def list_(self, d: Mapping[str, Any], key: str, path: str, *, required: bool = False) -> list[Any]:
        v = d.get(key)
        if v is None:
            if required and key not in d:
                raise self.fail(self.sub(path, key), "is required (use [] for none)")
            return []
        if not isinstance(v, list):
            raise self.fail(self.sub(path, key), f"expected a list, got {_type_name(v)}")
        return v

    def str_list(self, d: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
        out = []
        for i, v in enumerate(self.list_(d, key, path)):
            if not isinstance(v, str | int | float) or isinstance(v, bool):
                raise self.fail(f"{self.sub(path, key)}[{i}]", f"expected text, got {_type_name(v)}")
            out.append(str(v))
        return tuple(out)


def _type_name(v: Any) -> str:
    if v is None:
        return "nothing (null)"
    if isinstance(v, Mapping):
        return "a mapping"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, bool):
        return "true/false"
    return type(v).__name__


_PATH_TOKEN_RE = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _line_of(text: str | None, path: str) -> int | None:
    """1-based line of the YAML node at `path` (``questions[3].sections[0].kind``), or None.

    Only used to point at an error, so it composes the YAML again (no objects are built)."""
    if not text or path.startswith("("):
        return None
    try:
        node: Any = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    line = None
    for name, index in _PATH_TOKEN_RE.findall(path):
        if node is None:
            break
        if name and isinstance(node, yaml.MappingNode):
            found = None
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == name:
                    line = k.start_mark.line + 1
                    found = v
                    break
            node = found
        elif index and isinstance(node, yaml.SequenceNode) and int(index) < len(node.value):
            node = node.value[int(index)]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _alias_groups(v: _V, qd: Mapping[str, Any], p: str) -> tuple[tuple[str, ...], ...]:
    groups = []
    for i, g in enumerate(v.list_(qd, "aliases", p)):
        if isinstance(g, str):
            # hand-written "卷积神经网络 = CNN" is accepted too
            names = tuple(x.strip() for x in g.replace("|", "=").split("=") if x.strip())
        elif isinstance(g, list) and all(
            isinstance(x, str | int | float) and not isinstance(x, bool) for x in g
        ):
            names = tuple(str(x) for x in g)
        else:
            raise v.fail(f"{p}.aliases[{i}]", "expected a list of names such as [卷积神经网络, CNN]")
        if len(names) < 2:
            raise v.fail(
                f"{p}.aliases[{i}]", "an alias group needs at least two names, e.g. [卷积神经网络, CNN]"
            )
        groups.append(names)
    return tuple(groups)


def _section_from_dict(v: _V, raw: Any, sp: str) -> Section:
    sd = v.mapping(raw, sp, _SECTION_KEYS)
    kind_raw = v.str_(sd, "kind", sp, default="other")
    try:
        kind = SectionKind(kind_raw)
    except ValueError:
        raise v.fail(
            f"{sp}.kind",
            f"unknown kind {kind_raw!r}; expected one of {', '.join(k.value for k in SectionKind)}",
        ) from None
    items = []
    for ii, ri in enumerate(v.list_(sd, "items", sp)):
        ip = f"{sp}.items[{ii}]"
        idd = v.mapping(ri, ip, _ITEM_KEYS)
        items.append(ListItem(term=v.opt_str(idd, "term", ip), text=v.str_(idd, "text", ip)))
    return Section(
        label=v.str_(sd, "label", sp, required=True),
        kind=kind,
        lead=v.str_(sd, "lead", sp),
        items=tuple(items),
        text=v.str_(sd, "text", sp),
    )


def bank_from_dict(data: Any, where: str = "<bank>", *, text: str | None = None) -> Bank:
    """Build a bank from its dict form, checking every field; errors name the field's path
    (and, given the YAML `text`, its line)."""
    v = _V(where, text)
    root = v.mapping(data, "(top level)", _TOP_KEYS)
    version = v.int_(root, "schema_version", "(top level)", default=SCHEMA_VERSION, minimum=1)
    if version > SCHEMA_VERSION:
        raise BankError(
            f"schema_version {version} is newer than this quizgen understands ({SCHEMA_VERSION})",
            where=where,
            hint="upgrade quizgen",
        )
    source = None
    if root.get("source") is not None:
        s = v.mapping(root["source"], "source", _SOURCE_KEYS)
        source = Source(
            file=v.str_(s, "file", "source"),
            sha256=v.str_(s, "sha256", "source"),
            layout=v.str_(s, "layout", "source"),
        )
    questions: list[Question] = []
    seen_ids: dict[str, str] = {}
    seen_numbers: dict[int, str] = {}
    for qi, raw in enumerate(v.list_(root, "questions", "(top level)", required=True)):
        p = f"questions[{qi}]"
        qd = v.mapping(raw, p, _QUESTION_KEYS)
        sections = tuple(
            _section_from_dict(v, rs, f"{p}.sections[{si}]")
            for si, rs in enumerate(v.list_(qd, "sections", p))
        )
        grading = None
        if qd.get("grading") is not None:
            gd = v.mapping(qd["grading"], f"{p}.grading", _GRADING_KEYS)
            grading = Grading(
                required=v.str_list(gd, "required", f"{p}.grading"),
                forbidden=v.str_list(gd, "forbidden", f"{p}.grading"),
            )
        title = v.str_(qd, "title", p, required=True)
        if not title.strip():
            raise v.fail(f"{p}.title", "is empty")
        qid = v.str_(qd, "id", p) or question_id(title)
        if qid in seen_ids:
            raise v.fail(f"{p}.id", f"duplicate id {qid!r} (also at {seen_ids[qid]})")
        seen_ids[qid] = p
        kind_raw = v.str_(qd, "kind", p, default=QuestionKind.OPEN.value)
        try:
            qkind = QuestionKind(kind_raw)
        except ValueError:
            raise v.fail(
                f"{p}.kind",
                f"unknown kind {kind_raw!r}; expected one of {', '.join(k.value for k in QuestionKind)}",
            ) from None
        blanks = v.str_list(qd, "blanks", p)
        if qkind is QuestionKind.FILL and blanks and title.count(BLANK) != len(blanks):
            raise v.fail(
                f"{p}.blanks",
                f"{len(blanks)} blanks given but the title has {title.count(BLANK)} {BLANK}",
            )
        number = v.int_(qd, "number", p, default=qi + 1, minimum=1)
        if number in seen_numbers:
            raise v.fail(f"{p}.number", f"duplicate number {number} (also at {seen_numbers[number]})")
        seen_numbers[number] = p
        questions.append(
            Question(
                id=qid,
                number=number,
                title=title,
                prompt=v.str_(qd, "prompt", p),
                answer=v.str_(qd, "answer", p),
                sections=sections,
                aliases=_alias_groups(v, qd, p),
                duplicate_of=v.opt_str(qd, "duplicate_of", p),
                line=v.int_(qd, "line", p),
                group=v.opt_str(qd, "group", p),
                flags=v.str_list(qd, "flags", p),
                grading=grading,
                ref=v.opt_str(qd, "ref", p),
                kind=qkind,
                blanks=blanks,
                alternatives=v.str_list(qd, "alternatives", p),
                context=v.str_(qd, "context", p),
            )
        )
    for qi, q in enumerate(questions):
        if q.duplicate_of is None:
            continue
        if q.duplicate_of == q.id:
            raise v.fail(f"questions[{qi}].duplicate_of", "a question cannot be a duplicate of itself")
        if q.duplicate_of not in seen_ids:
            raise v.fail(f"questions[{qi}].duplicate_of", f"refers to unknown id {q.duplicate_of!r}")
    return Bank(
        title=v.str_(root, "title", "(top level)"),
        questions=tuple(questions),
        source=source,
        schema_version=version,
    )


# ---------------------------------------------------------------------------- YAML / JSON


_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# libyaml's emitter when PyYAML was built with it: ten times faster on a big bank (a 10 MB
# notes file's bank takes ~1.5 s instead of ~17 s); the output is the same.
_DumperBase: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_DumperBase):
    pass


_Flow = fastyaml.Flow  # a short list written inline: ``[卷积神经网络, CNN]``


def _flow_representer(dumper: yaml.SafeDumper, data: _Flow) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", list(data), flow_style=True)


_Dumper.add_representer(_Flow, _flow_representer)


# Characters a YAML reader turns into something else (line breaks it normalises, a BOM,
# controls it refuses): text holding them is written double-quoted, where they are escaped.
_YAML_UNSAFE_RE = re.compile("[\r\x85\u2028\u2029\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _str_representer(dumper: yaml.SafeDumper, s: str) -> yaml.ScalarNode:
    if _YAML_UNSAFE_RE.search(s):
        return dumper.represent_scalar("tag:yaml.org,2002:str", s, style='"')
    # Block scalars keep multi-line text (lists, code fences) readable and editable.
    # (PyYAML falls back to a quoted style by itself where a block scalar cannot hold the text.)
    if "\n" in s:
        return dumper.represent_scalar("tag:yaml.org,2002:str", s, style="|")
    # Long one-line text stays on one line (`dumps_yaml` sets no width): a folded scalar
    # (`>`) can only break at spaces, and Chinese text has none, so folding would leave the
    # long lines as they are and add a style to the few with spaces; a literal one (`|`)
    # would add a line break the text does not have.
    return dumper.represent_scalar("tag:yaml.org,2002:str", s)


_Dumper.add_representer(str, _str_representer)


def dumps_yaml(data: Any) -> str:
    """`data` as YAML: `quizgen.fastyaml` writes what PyYAML (with libyaml) would, ten times
    faster; PyYAML itself for what that does not handle."""
    try:
        return fastyaml.dump(data)
    except fastyaml.Unsupported:
        return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10**6, indent=2)


def dumps(bank: Bank, fmt: str = "yaml") -> str:
    if fmt not in ("json", "yaml"):
        raise ValueError(f"unknown bank format {fmt!r} (yaml or json)")
    with gc_paused():
        d = bank_to_dict(bank)
        if fmt == "json":
            return json.dumps(d, ensure_ascii=False, indent=2) + "\n"
        return dumps_yaml(d)


# ---------------------------------------------------------------------------- what kind of file

FileKind = Literal["bank", "items", "notes", "unknown"]

# File names that are notes (`quizgen parse` input), never a bank or an items file.
NOTES_SUFFIXES = (".md", ".markdown", ".txt")

# A top-level key as our dumper (and most hand-written YAML) writes it: at column 0.
_TOP_KEY_RE = re.compile(r"^(questions|items)[ \t]*:(?=[ \t]|$)", re.M)
# The first line that is not blank, a comment or a document marker.
_FIRST_LINE_RE = re.compile(r"^(?![ \t]*$|#|---|%).+$", re.M)
_YAML_KEY_LINE_RE = re.compile(r"""^(?:[A-Za-z_][\w-]*|"[^"\n]*"|'[^'\n]*')[ \t]*:(?:[ \t]|$)""")
# What notes have and a bank never has at the start of a line: `## 标题` or `### 1. 标题`
# headings, `Q:` / `答：` markers, `**题目：**` / `**答案**：` labels. (A lone `# text` line is
# also a YAML comment, so level-1 headings count only when numbered.)
_NOTES_LINE_RE = re.compile(
    r"^ {0,3}(?:#{2,6}[ \t]*\S|#[ \t]*(?:第\s*)?\d"
    r"|(?:\*\*[ \t]*)?(?:[QＱ][ \t]*\d{0,4}|[AＡ]|问题?|题目|答案?|参考答案|解析)[ \t]*(?:\*\*)?[ \t]*[:：])",
    re.M,
)
# Top-level keys that only a bank (questions), or only an items file, has.
_BANK_ONLY_KEYS = frozenset({"title", "source", "questions"})
_ITEMS_ONLY_KEYS = frozenset({"generator", "items"})


def _has_notes_suffix(name: str | Path | None) -> bool:
    return name is not None and Path(str(name)).suffix.lower() in NOTES_SUFFIXES


# Aliases (`*name`) may make the data at most this many times the size of the file itself
# (plus a margin for small files). Loading a "billion laughs" costs nothing, since an alias is
# a shared reference, but everything that walks the data afterwards (bank show, save, export,
# grade) pays for every copy: one 100 KB string referenced 2,000 times printed 224 MB.
ALIAS_EXPANSION_FACTOR = 10
ALIAS_EXPANSION_MARGIN = 1_000_000


class RefusedYAML(ValueError):
    """A YAML document that is well-formed but not read: its aliases expand too far, or
    one refers to the node it sits in."""

    def __init__(self, message: str, line: int, hint: str) -> None:
        super().__init__(message)
        self.message, self.line, self.hint = message, line, hint


def _children(node: Any) -> list[Any]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _check_aliases(root: Any, text_len: int) -> None:
    """Refuse a composed document whose aliases expand past `ALIAS_EXPANSION_FACTOR` times the
    file, or that refers to itself. Linear in the number of distinct nodes: an aliased node
    is one shared object in the composed graph and is measured once."""
    sizes: dict[int, int] = {}  # id(node) -> characters it stands for, aliases expanded
    refs: dict[int, int] = {}  # id(node) -> how many times it is used
    nodes: dict[int, Any] = {}
    open_: set[int] = set()  # nodes being measured: the path from the root
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            open_.discard(key)
            kids = _children(node)
            own = len(node.value) if isinstance(node, yaml.ScalarNode) else 0
            sizes[key] = 1 + own + sum(sizes[id(k)] for k in kids)
            continue
        refs[key] = refs.get(key, 0) + 1
        if key in sizes:
            continue
        if key in open_:
            line = node.start_mark.line + 1
            raise RefusedYAML(
                f"a YAML alias refers to a node that contains it (anchored at line {line}): "
                "the data would never end",
                line,
                "remove that *alias",
            )
        open_.add(key)
        nodes[key] = node
        stack.append((node, True))
        stack.extend((k, False) for k in reversed(_children(node)))
    total = sizes[id(root)]
    if total <= ALIAS_EXPANSION_FACTOR * text_len + ALIAS_EXPANSION_MARGIN:
        return
    worst = max((k for k in refs if refs[k] > 1), key=lambda k: (refs[k] - 1) * sizes[k])
    line = nodes[worst].start_mark.line + 1
    raise RefusedYAML(
        f"YAML aliases would expand this file from {text_len / 1e6:.1f} to {total / 1e6:.1f} million "
        "characters "
        f"(the node anchored at line {line} is referenced {refs[worst] - 1} times by aliases); refused",
        line,
        "write the text out where it is used instead of &anchor / *alias references "
        "(quizgen never writes aliases)",
    )


def _load_yaml(text: str) -> Any:
    """`yaml.safe_load`: `quizgen.fastyaml` for YAML as quizgen writes it (ten times faster on
    a big bank), else PyYAML (with libyaml's parser when installed), measuring what aliases
    expand to before building anything (`_check_aliases`)."""
    try:
        return fastyaml.load(text)
    except fastyaml.Unsupported:
        pass
    loader = _SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if "&" in text:  # no anchor, no alias (an alias to nothing is a syntax error)
            _check_aliases(node, len(text))
        return loader.construct_document(node)
    finally:
        loader.dispose()


def parse_document(text: str) -> tuple[Any, Exception | None]:
    """The YAML or JSON data of a text, or the error that stopped reading it (`document_error`
    turns it into a message). YAML is read with the safe constructors only: no tag runs code,
    and aliases that would blow the data up are refused (`RefusedYAML`)."""
    try:
        if text.lstrip().startswith("{"):
            # JSON (`--format json`) is read as JSON: the YAML reader refuses some characters
            # that JSON carries unescaped (U+007F-U+009F).
            return json.loads(text), None
        return _load_yaml(text), None
    except (json.JSONDecodeError, yaml.YAMLError, RefusedYAML) as e:
        return None, e
    except RecursionError:
        return None, ValueError("nested too deeply to read")


_UNKNOWN_TAG_RE = re.compile(r"could not determine a constructor for the tag '([^']*)'")


def document_error(error: Exception, where: str, cls: type[QuizgenError], what: str) -> QuizgenError:
    """The `cls` error (BankError, ItemsError) for a text `parse_document` could not read;
    `what` names the file in messages ("a bank", "an items file")."""
    if isinstance(error, json.JSONDecodeError):
        return cls(
            f"not valid JSON: {error.msg}", where=f"{where}:{error.lineno}", hint="fix the JSON syntax"
        )
    if isinstance(error, RefusedYAML):
        return cls(error.message, where=f"{where}:{error.line}", hint=error.hint)
    if isinstance(error, yaml.YAMLError):
        mark = getattr(error, "problem_mark", None)
        loc = f"{where}:{mark.line + 1}" if mark is not None else where
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        tag = _UNKNOWN_TAG_RE.search(problem)
        if tag:
            name = tag.group(1).replace("tag:yaml.org,2002:", "!!")
            return cls(
                f"the tag {name} is not allowed: {what} holds plain text, numbers, lists and mappings",
                where=loc,
                hint="remove the tag (quizgen never creates objects from YAML tags)",
            )
        return cls(f"not valid YAML: {problem}", where=loc, hint="fix the YAML syntax")
    return cls(f"cannot read: {error}", where=where, hint=f"is this {what}?")


def _kind_of(text: str, name: str | Path | None, data: Any, error: Exception | None) -> FileKind:
    if isinstance(data, Mapping):
        if "questions" in data:
            return "bank"
        if "items" in data:
            return "items"
    elif error is not None:
        # a damaged bank or items file still names its list at the top level
        keys = {m.group(1) for m in _TOP_KEY_RE.finditer(text)}
        if keys:
            return "bank" if "questions" in keys else "items"
    if _has_notes_suffix(name):
        return "notes"
    if isinstance(data, Mapping):
        keys = {str(k) for k in data}
        if keys & _BANK_ONLY_KEYS:
            return "bank"  # a bank with a mistake (say, no questions): its own error says which
        if keys & _ITEMS_ONLY_KEYS:
            return "items"
    if _NOTES_LINE_RE.search(text):
        return "notes"
    return "unknown"


def _sniff(text: str) -> FileKind | None:
    """bank/items from the top-level keys alone, for YAML written the usual way (keys at
    column 0, starting with a key line); None when that is not enough to tell."""
    keys = {m.group(1) for m in _TOP_KEY_RE.finditer(text)}
    if not keys:
        return None
    first = _FIRST_LINE_RE.search(text)
    if first is None or not _YAML_KEY_LINE_RE.match(first.group()):
        return None
    return "bank" if "questions" in keys else "items"


def detect_kind(text: str, *, name: str | Path | None = None, quick: bool = False) -> FileKind:
    """What a file holds, from its text (and its `name`, for the suffix):

    - ``"bank"``: a YAML/JSON mapping with ``questions`` (valid or not);
    - ``"items"``: a YAML/JSON mapping with ``items`` and no ``questions`` (``quizgen generate``);
    - ``"notes"``: a name ending in .md/.markdown/.txt that is not one of those, or text with
      Markdown headings / Q&A markers / ``**答案：**`` labels rather than a bank's fields;
    - ``"unknown"``: anything else (empty text, a list, YAML with neither).

    Usual YAML is told apart by its top-level keys without being parsed, so calling this
    before `loads` or `quizgen.items.loads_items` costs a scan, not a second parse. With
    `quick`, only that scan is done (JSON is still read): ``"unknown"`` when it cannot tell.
    """
    if not text.strip():
        return "unknown"
    if not text.lstrip().startswith("{"):
        sniffed = _sniff(text)
        if sniffed is not None:
            return sniffed
        if quick:
            return "notes" if _has_notes_suffix(name) else "unknown"
    data, error = parse_document(text)
    return _kind_of(text, name, data, error)


def detect_file_kind(path: str | Path) -> FileKind:
    """`detect_kind` of a file (read as UTF-8; `InputError` when it cannot be read)."""
    p = Path(path)
    return detect_kind(read_text_file(p), name=p)


_SHELL_SPECIAL_RE = re.compile(r"""[\s'"$`\\!*?;&|<>(){}\[\]#~]""")


def _shell_arg(s: str) -> str:
    if s and not _SHELL_SPECIAL_RE.search(s):
        return s
    return "'" + s.replace("'", "'\\''") + "'"


def _wrong_kind(kind: FileKind, where: str) -> BankError:
    if kind == "items":
        return BankError(
            "is an items file (from quizgen generate), not a bank",
            where=where,
            hint="this needs a bank (from `quizgen parse`); an items file goes to `quizgen quiz` or "
            "`quizgen export`",
        )
    notes = _shell_arg(where) if not where.startswith("<") else "NOTES"
    return BankError(
        "looks like notes, not a bank",
        where=where,
        hint=f"make a bank from the notes first: quizgen parse {notes} -o bank.yaml",
    )


def loads(text: str, where: str = "<bank>") -> Bank:
    """A bank from YAML or JSON (see `parse_document`). Notes and items files are refused
    with an error that says what they are (see `detect_kind`); `where` names the file."""
    if not text.strip():
        raise BankError(
            "the file is empty", where=where, hint="create a bank with `quizgen parse NOTES -o BANK`"
        )
    with gc_paused():
        data, error = parse_document(text)
        kind = _kind_of(text, where, data, error)
        if kind in ("notes", "items"):
            raise _wrong_kind(kind, where)
        if error is not None:
            raise document_error(error, where, BankError, "a bank")
        if data is None:
            raise BankError(
                "the file is empty", where=where, hint="create a bank with `quizgen parse NOTES -o BANK`"
            )
        return bank_from_dict(data, where, text=text)


def read_text_file(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", where=str(path), hint="check the path") from None
    except IsADirectoryError:
        raise InputError("is a directory, expected a file", where=str(path)) from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", where=str(path)) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        raise InputError(
            f"not UTF-8 (undecodable byte 0x{raw[e.start]:02x} at byte offset {e.start}, line {line})",
            where=str(path),
            hint="save the file as UTF-8",
        ) from None


def load(path: str | Path) -> Bank:
    p = Path(path)
    return loads(read_text_file(p), str(p))


def _new_file_mode(p: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0666 & ~umask
    (mkstemp alone would leave 0600)."""
    try:
        return stat.S_IMODE(p.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write via a temp file in the same folder and rename, so a crash never leaves half a file."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    mode = _new_file_mode(p)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, p)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write_text(path: str | Path, text: str, *, encoding: str = "utf-8") -> None:
    """`atomic_write_bytes` for text (``\\n`` line ends as given)."""
    atomic_write_bytes(path, text.encode(encoding))


def save(bank: Bank, path: str | Path, fmt: str | None = None) -> None:
    """Write the bank atomically; YAML unless `fmt` is json or the file name ends in .json."""
    p = Path(path)
    fmt = fmt or ("json" if p.suffix.lower() == ".json" else "yaml")
    text = dumps(bank, fmt)
    try:
        atomic_write_text(p, text)
    except OSError as e:
        raise BankError(
            f"cannot write: {e.strerror or e}",
            where=str(p),
            hint="check that the folder exists and is writable",
        ) from None
