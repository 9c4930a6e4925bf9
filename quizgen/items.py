"""Quiz item records (what students see) and their YAML/JSON form.

Answers are stored as text so an items file reads well by hand:

- choice: ``answer: [B]`` (letter of the right option)
- multi:  ``answer: [A, C]``
- fill:   ``answer: [卷积神经网络]``, ``accept`` lists every accepted spelling (aliases)
- order:  ``options`` are the steps in shuffled order, ``answer`` the letters in the right order
- match:  ``left`` are the terms, ``options`` the shuffled descriptions, ``answer[i]`` the letter
          of the description for ``left[i]``
- tf:     ``answer: [对]`` or ``answer: [错]``
- short:  ``answer: [reference answer]`` and ``key_points``
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from quizgen.bank import (
    Bank,
    atomic_write_text,
    detect_kind,
    document_error,
    dumps_yaml,
    loads,
    parse_document,
    read_text_file,
)
from quizgen.errors import ItemsError

ITEMS_SCHEMA_VERSION = 1
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class ItemType(str, Enum):
    CHOICE = "choice"
    MULTI = "multi"
    FILL = "fill"
    ORDER = "order"
    MATCH = "match"
    TF = "tf"
    SHORT = "short"


TRUE = "对"
FALSE = "错"


@dataclass(frozen=True)
class ItemSource:
    number: int  # the bank question's number
    section: str | None = None  # label of the section the item came from (解析, 实现步骤, ...)
    index: int | None = None  # 1-based list item index, where one item is the source
    authored: bool = False  # the notes' own question, asked as written (not generated)


@dataclass(frozen=True)
class Item:
    id: str
    type: ItemType
    question_id: str
    stem: str
    answer: tuple[str, ...]
    options: tuple[str, ...] = ()
    left: tuple[str, ...] = ()
    accept: tuple[str, ...] = ()
    key_points: tuple[str, ...] = ()
    explanation: str = ""
    points: float = 1.0
    source: ItemSource | None = None
    meta: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def answer_indices(self) -> list[int]:
        """Option indices of the answer letters (choice, multi, order, match)."""
        return [LETTERS.index(a) for a in self.answer]


def item_to_dict(it: Item) -> dict[str, Any]:
    d: dict[str, Any] = {
        "id": it.id,
        "type": it.type.value,
        "question_id": it.question_id,
        "stem": it.stem,
    }
    if it.left:
        d["left"] = list(it.left)
    if it.options:
        d["options"] = list(it.options)
    d["answer"] = list(it.answer)
    if it.accept:
        d["accept"] = list(it.accept)
    if it.key_points:
        d["key_points"] = list(it.key_points)
    d["explanation"] = it.explanation
    d["points"] = int(it.points) if float(it.points).is_integer() else it.points
    if it.source is not None:
        d["source"] = {"number": it.source.number, "section": it.source.section, "index": it.source.index}
        if it.source.authored:
            d["source"]["authored"] = True
    if it.meta:
        d["meta"] = dict(it.meta)
    return d


def _fail(where: str, path: str, msg: str) -> ItemsError:
    return ItemsError(f"{path}: {msg}", where=where, hint="re-create the file with `quizgen generate`")


def _strs(v: Any, where: str, path: str) -> tuple[str, ...]:
    if v is None:
        return ()
    if not isinstance(v, list) or any(isinstance(x, bool) or not isinstance(x, str | int | float) for x in v):
        raise _fail(where, path, "expected a list of text")
    return tuple(str(x) for x in v)


def item_from_dict(d: Any, where: str = "<items>", path: str = "item") -> Item:
    if not isinstance(d, Mapping):
        raise _fail(where, path, "expected a mapping")
    for key in ("id", "type", "question_id", "stem", "answer"):
        if d.get(key) in (None, ""):
            raise _fail(where, f"{path}.{key}", "is required")
    try:
        typ = ItemType(d["type"])
    except ValueError:
        raise _fail(
            where,
            f"{path}.type",
            f"unknown type {d['type']!r}; expected one of {', '.join(t.value for t in ItemType)}",
        ) from None
    src = None
    if d.get("source") is not None:
        s = d["source"]
        if not isinstance(s, Mapping) or not isinstance(s.get("number"), int):
            raise _fail(where, f"{path}.source", "expected {number, section, index}")
        if not isinstance(s.get("authored", False), bool):
            raise _fail(where, f"{path}.source.authored", "expected true or false")
        src = ItemSource(
            number=s["number"],
            section=s.get("section"),
            index=s.get("index"),
            authored=s.get("authored", False),
        )
    points = d.get("points", 1)
    if isinstance(points, bool) or not isinstance(points, int | float) or points < 0:
        raise _fail(where, f"{path}.points", f"expected a non-negative number, got {points!r}")
    item = Item(
        id=str(d["id"]),
        type=typ,
        question_id=str(d["question_id"]),
        stem=str(d["stem"]),
        answer=_strs(d["answer"], where, f"{path}.answer"),
        options=_strs(d.get("options"), where, f"{path}.options"),
        left=_strs(d.get("left"), where, f"{path}.left"),
        accept=_strs(d.get("accept"), where, f"{path}.accept"),
        key_points=_strs(d.get("key_points"), where, f"{path}.key_points"),
        explanation=str(d.get("explanation") or ""),
        points=float(points),
        source=src,
        meta=dict(d.get("meta") or {}),
    )
    if typ in (ItemType.CHOICE, ItemType.MULTI, ItemType.ORDER, ItemType.MATCH):
        for a in item.answer:
            if len(a) != 1 or a not in LETTERS[: len(item.options)]:
                raise _fail(
                    where,
                    f"{path}.answer",
                    f"{a!r} is not the letter of one of the {len(item.options)} options",
                )
    return item


def items_to_dict(items: Iterable[Item], **header: Any) -> dict[str, Any]:
    return {"schema_version": ITEMS_SCHEMA_VERSION, **header, "items": [item_to_dict(i) for i in items]}


def dumps_items(items: Iterable[Item], fmt: str = "yaml", **header: Any) -> str:
    d = items_to_dict(items, **header)
    if fmt == "json":
        return json.dumps(d, ensure_ascii=False, indent=2) + "\n"
    return dumps_yaml(d)


def loads_items(text: str, where: str = "<items>") -> list[Item]:
    data, error = parse_document(text)
    if error is not None:
        raise document_error(error, where, ItemsError, "an items file")
    raw = data.get("items") if isinstance(data, Mapping) else data
    if not isinstance(raw, list):
        raise _fail(where, "items", "expected a list of items")
    return [item_from_dict(x, where, f"items[{i}]") for i, x in enumerate(raw)]


def load_items(path: str | Path) -> list[Item]:
    p = Path(path)
    return loads_items(read_text_file(p), str(p))


def load_bank_or_items(path: str | Path) -> Bank | list[Item]:
    """A bank, or the items of an items file, told apart by `quizgen.bank.detect_kind`
    (usual YAML by its top-level keys, so it is parsed once). Anything else raises the bank
    loader's error: notes say ``looks like notes, not a bank`` with a `quizgen parse` hint."""
    p = Path(path)
    return loads_bank_or_items(read_text_file(p), p)


def loads_bank_or_items(text: str, path: str | Path) -> Bank | list[Item]:
    """`load_bank_or_items` on text already read from `path`."""
    if detect_kind(text, name=path) == "items":
        return loads_items(text, str(path))
    return loads(text, str(path))


def save_items(items: Iterable[Item], path: str | Path, fmt: str | None = None, **header: Any) -> None:
    p = Path(path)
    fmt = fmt or ("json" if p.suffix.lower() == ".json" else "yaml")
    atomic_write_text(p, dumps_items(items, fmt, **header))
