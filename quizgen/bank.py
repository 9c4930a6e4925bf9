"""Question bank records and their YAML/JSON form.

The bank is the hand-editable middle of the pipeline (notes -> bank -> items), so the
YAML keeps unicode as is, uses block scalars for multi-line text and validates on load
with the path of the offending field (``questions[3].sections[0].kind``).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import Any

import yaml

from quizgen.errors import BankError, InputError
from quizgen.text import content_hash, normalize

SCHEMA_VERSION = 1


class SectionKind(str, Enum):
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
}


def kind_for_label(label: str) -> SectionKind:
    return LABEL_KINDS.get(label.strip(), SectionKind.OTHER)


@dataclass(frozen=True)
class ListItem:
    """One entry of a numbered or bulleted list: ``1. **特征提取：** 使用卷积层…``."""

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
            parts.append(f"{i}. {it.term}：{it.text}" if it.term else f"{i}. {it.text}")
        parts.append(self.text)
        return "\n".join(p for p in parts if p)


@dataclass(frozen=True)
class Grading:
    """A teacher's per-question override for the grader."""

    required: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()


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
    flags: tuple[str, ...] = ()  # e.g. "no_answer"
    grading: Grading | None = None

    @property
    def has_answer(self) -> bool:
        return bool(self.answer.strip())

    @property
    def stem(self) -> str:
        """What to ask: the 题目 if written, else the heading."""
        return self.prompt or self.title

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
            self._index[q.id] = q

    def __iter__(self) -> Iterator[Question]:
        return iter(self.questions)

    def __len__(self) -> int:
        return len(self.questions)

    def unique(self) -> tuple[Question, ...]:
        """Questions that are not near-duplicates of an earlier one."""
        return tuple(q for q in self.questions if q.duplicate_of is None)

    def get(self, ref: str | int) -> Question | None:
        """Look a question up by id, by number, or by a unique id prefix."""
        key = str(ref).strip()
        if key in self._index:
            return self._index[key]
        if key.isdigit():
            n = int(key)
            return next((q for q in self.questions if q.number == n), None)
        matches = [q for q in self.questions if q.id.startswith(key)] if len(key) >= 4 else []
        return matches[0] if len(matches) == 1 else None

    def without_duplicates(self) -> Bank:
        return replace(self, questions=self.unique(), _index={})


def question_id(title: str, seen: Mapping[str, int] | None = None) -> str:
    """Stable id: a hash of the normalised title; the n-th repeat of a title gets a suffix."""
    base = content_hash(normalize(title), length=10)
    n = (seen or {}).get(base, 0)
    return base if n == 0 else f"{base}-{n + 1}"


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
    if q.group:
        d["group"] = q.group
    if q.flags:
        d["flags"] = list(q.flags)
    if q.grading:
        d["grading"] = {"required": list(q.grading.required), "forbidden": list(q.grading.forbidden)}
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


class _V:
    """Validation helpers that know the path of the value they look at."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, path: str, msg: str) -> BankError:
        return BankError(
            f"{path}: {msg}", where=self.where, hint="fix that field in the bank file, or re-create it with `quizgen parse`"
        )

    def mapping(self, v: Any, path: str) -> Mapping[str, Any]:
        if not isinstance(v, Mapping):
            raise self.fail(path, f"expected a mapping, got {type(v).__name__}")
        return v

    def str_(self, d: Mapping[str, Any], key: str, path: str, *, required: bool = False, default: str = "") -> str:
        if key not in d or d[key] is None:
            if required:
                raise self.fail(f"{path}.{key}", "is required")
            return default
        v = d[key]
        if isinstance(v, bool) or not isinstance(v, str | int | float):
            raise self.fail(f"{path}.{key}", f"expected text, got {type(v).__name__}")
        return str(v)

    def opt_str(self, d: Mapping[str, Any], key: str, path: str) -> str | None:
        if d.get(key) is None:
            return None
        return self.str_(d, key, path)

    def int_(self, d: Mapping[str, Any], key: str, path: str, *, required: bool = False, default: int = 0) -> int:
        v = d.get(key)
        if v is None:
            if required:
                raise self.fail(f"{path}.{key}", "is required")
            return default
        if isinstance(v, bool) or not isinstance(v, int):
            raise self.fail(f"{path}.{key}", f"expected an integer, got {v!r}")
        return v

    def list_(self, d: Mapping[str, Any], key: str, path: str) -> list[Any]:
        v = d.get(key)
        if v is None:
            return []
        if not isinstance(v, list):
            raise self.fail(f"{path}.{key}", f"expected a list, got {type(v).__name__}")
        return v

    def str_list(self, d: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
        out = []
        for i, v in enumerate(self.list_(d, key, path)):
            if not isinstance(v, str | int | float) or isinstance(v, bool):
                raise self.fail(f"{path}.{key}[{i}]", f"expected text, got {type(v).__name__}")
            out.append(str(v))
        return tuple(out)


def _alias_groups(v: _V, qd: Mapping[str, Any], p: str) -> tuple[tuple[str, ...], ...]:
    groups = []
    for i, g in enumerate(v.list_(qd, "aliases", p)):
        if isinstance(g, str):
            # hand-written "卷积神经网络 = CNN" is accepted too
            names = tuple(x.strip() for x in g.replace("|", "=").split("=") if x.strip())
        elif isinstance(g, list) and all(isinstance(x, str | int | float) and not isinstance(x, bool) for x in g):
            names = tuple(str(x) for x in g)
        else:
            raise v.fail(f"{p}.aliases[{i}]", "expected a list of names such as [卷积神经网络, CNN]")
        if len(names) < 2:
            raise v.fail(f"{p}.aliases[{i}]", "an alias group needs at least two names, e.g. [卷积神经网络, CNN]")
        groups.append(names)
    return tuple(groups)


def bank_from_dict(data: Any, where: str = "<bank>") -> Bank:
    v = _V(where)
    root = v.mapping(data, "(top level)")
    version = v.int_(root, "schema_version", "(top level)", default=SCHEMA_VERSION)
    if version > SCHEMA_VERSION:
        raise BankError(
            f"schema_version {version} is newer than this quizgen understands ({SCHEMA_VERSION})",
            where=where,
            hint="upgrade quizgen",
        )
    source = None
    if root.get("source") is not None:
        s = v.mapping(root["source"], "source")
        source = Source(
            file=v.str_(s, "file", "source"), sha256=v.str_(s, "sha256", "source"), layout=v.str_(s, "layout", "source")
        )
    questions: list[Question] = []
    seen_ids: dict[str, str] = {}
    for qi, raw in enumerate(v.list_(root, "questions", "(top level)")):
        p = f"questions[{qi}]"
        qd = v.mapping(raw, p)
        sections = []
        for si, rs in enumerate(v.list_(qd, "sections", p)):
            sp = f"{p}.sections[{si}]"
            sd = v.mapping(rs, sp)
            kind_raw = v.str_(sd, "kind", sp, default="other")
            try:
                kind = SectionKind(kind_raw)
            except ValueError:
                raise v.fail(
                    f"{sp}.kind", f"unknown kind {kind_raw!r}; expected one of {', '.join(k.value for k in SectionKind)}"
                ) from None
            items = []
            for ii, ri in enumerate(v.list_(sd, "items", sp)):
                ip = f"{sp}.items[{ii}]"
                idd = v.mapping(ri, ip)
                items.append(ListItem(term=v.opt_str(idd, "term", ip), text=v.str_(idd, "text", ip)))
            sections.append(
                Section(
                    label=v.str_(sd, "label", sp, required=True),
                    kind=kind,
                    lead=v.str_(sd, "lead", sp),
                    items=tuple(items),
                    text=v.str_(sd, "text", sp),
                )
            )
        grading = None
        if qd.get("grading") is not None:
            gd = v.mapping(qd["grading"], f"{p}.grading")
            grading = Grading(
                required=v.str_list(gd, "required", f"{p}.grading"),
                forbidden=v.str_list(gd, "forbidden", f"{p}.grading"),
            )
        title = v.str_(qd, "title", p, required=True)
        qid = v.str_(qd, "id", p) or question_id(title)
        if qid in seen_ids:
            raise v.fail(f"{p}.id", f"duplicate id {qid!r} (also at {seen_ids[qid]})")
        seen_ids[qid] = p
        questions.append(
            Question(
                id=qid,
                number=v.int_(qd, "number", p, default=qi + 1),
                title=title,
                prompt=v.str_(qd, "prompt", p),
                answer=v.str_(qd, "answer", p),
                sections=tuple(sections),
                aliases=_alias_groups(v, qd, p),
                duplicate_of=v.opt_str(qd, "duplicate_of", p),
                line=v.int_(qd, "line", p),
                group=v.opt_str(qd, "group", p),
                flags=v.str_list(qd, "flags", p),
                grading=grading,
            )
        )
    for qi, q in enumerate(questions):
        if q.duplicate_of is not None and q.duplicate_of not in seen_ids:
            raise v.fail(f"questions[{qi}].duplicate_of", f"refers to unknown id {q.duplicate_of!r}")
    return Bank(
        title=v.str_(root, "title", "(top level)"),
        questions=tuple(questions),
        source=source,
        schema_version=version,
    )


# ---------------------------------------------------------------------------- YAML / JSON


class _Dumper(yaml.SafeDumper):
    pass


class _Flow(list):  # type: ignore[type-arg]
    """A short list written inline: ``[卷积神经网络, CNN]``."""


def _flow_representer(dumper: yaml.SafeDumper, data: _Flow) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", list(data), flow_style=True)


_Dumper.add_representer(_Flow, _flow_representer)


def _str_representer(dumper: yaml.SafeDumper, s: str) -> yaml.ScalarNode:
    # Block scalars keep multi-line text (lists, code fences) readable and editable.
    if "\n" in s:
        return dumper.represent_scalar("tag:yaml.org,2002:str", s, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", s)


_Dumper.add_representer(str, _str_representer)


def dumps_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10**6, indent=2)


def dumps(bank: Bank, fmt: str = "yaml") -> str:
    d = bank_to_dict(bank)
    if fmt == "json":
        return json.dumps(d, ensure_ascii=False, indent=2) + "\n"
    return dumps_yaml(d)


def loads(text: str, where: str = "<bank>") -> Bank:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        loc = f"{where}:{mark.line + 1}" if mark is not None else where
        raise BankError(f"not valid YAML: {getattr(e, 'problem', e)}", where=loc, hint="fix the YAML syntax") from None
    if data is None:
        raise BankError("the file is empty", where=where, hint="create a bank with `quizgen parse NOTES -o BANK`")
    return bank_from_dict(data, where)


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
        raise InputError(
            f"not UTF-8 (undecodable byte at offset {e.start})", where=str(path), hint="save the file as UTF-8"
        ) from None


def load(path: str | Path) -> Bank:
    p = Path(path)
    return loads(read_text_file(p), str(p))


def atomic_write_text(path: str | Path, text: str, *, encoding: str = "utf-8") -> None:
    """Write via a temp file in the same folder and rename, so a crash never leaves half a file."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, p)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, p)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def save(bank: Bank, path: str | Path, fmt: str | None = None) -> None:
    p = Path(path)
    fmt = fmt or ("json" if p.suffix.lower() == ".json" else "yaml")
    atomic_write_text(p, dumps(bank, fmt))
