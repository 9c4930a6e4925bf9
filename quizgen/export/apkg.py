"""Anki deck package (.apkg) through genanki.

One deck per bank. Fill items become cloze notes (the blank is ``{{c1::answer}}``); every
other item is a note of the "quizgen 题目" type with the question, its options, the answer
and the explanation.

Re-importing: note guids come from the item ids and model and deck ids from content, so Anki
recognises the notes of an earlier export; it replaces a note only when the file's copy is
newer ("update if newer", its default) and reports an equally old one as a duplicate even
under "always". So every note, card and note type carries the export time as its
modification time: an edited item exported again updates its note. ``SOURCE_DATE_EPOCH`` (or
`render`'s `timestamp`) fixes that time for byte-identical builds.

Anki fields are HTML, and Anki itself reads ``{{c1::…}}`` (cloze), ``[sound:…]`` and
``[$]…[/$]`` in field text: bank text is HTML-escaped and ``{ } [ ] :`` become character
references, so nothing a bank says is interpreted.
"""

from __future__ import annotations

import html
import os
import tempfile
import time
from collections.abc import Sequence
from typing import Any

from quizgen.errors import ExportError
from quizgen.export.common import (
    SECTION_NAMES,
    answer_text,
    clean,
    fmt_points,
    key_note,
    key_points,
    match_pairs,
    order_steps,
    split_blanks,
)
from quizgen.items import LETTERS, Item, ItemType
from quizgen.text import content_hash

MODEL_VERSION = "1"

CSS = """
.card { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; font-size: 20px;
  text-align: left; color: #111; background: #fff; line-height: 1.6; }
.type { font-size: 13px; color: #888; }
.opts { margin: .5em 0 0 0; padding: 0; list-style: none; }
.opts li { margin: .2em 0; }
.answer { color: #0a5; font-weight: bold; }
.explanation, .extra { margin-top: .6em; color: #444; font-size: 17px; }
.cloze { font-weight: bold; color: #06c; }
"""

_ANKI_SPECIAL = {"{": "&#123;", "}": "&#125;", "[": "&#91;", "]": "&#93;", ":": "&#58;"}


def esc(text: str, *, strip: bool = True) -> str:
    """Bank text for an Anki field: HTML-escaped, Anki's own syntax neutralised, <br> lines."""
    out = html.escape(clean(text, strip=strip), quote=True)
    for ch, ref in _ANKI_SPECIAL.items():
        out = out.replace(ch, ref)
    return out.replace("\n", "<br>")


def stable_id(*parts: str) -> int:
    """A 31-bit id in genanki's recommended range (1<<30 .. 1<<31) from content."""
    return (1 << 30) + int(content_hash(*parts, length=8), 16) % (1 << 30)


def _models() -> tuple[Any, Any]:
    import genanki

    basic = genanki.Model(
        stable_id("quizgen", "model", "item", MODEL_VERSION),
        "quizgen 题目",
        fields=[
            {"name": n} for n in ("Question", "Options", "Answer", "Explanation", "Type", "Points", "ID")
        ],
        templates=[
            {
                "name": "题目",
                "qfmt": '<div class="type">{{Type}} · {{Points}}分</div>'
                '<div class="q">{{Question}}</div>{{Options}}',
                "afmt": '{{FrontSide}}<hr id="answer"><div class="answer">{{Answer}}</div>'
                '{{#Explanation}}<div class="explanation">{{Explanation}}</div>{{/Explanation}}',
            }
        ],
        css=CSS,
        sort_field_index=6,
    )
    cloze = genanki.Model(
        stable_id("quizgen", "model", "cloze", MODEL_VERSION),
        "quizgen 填空",
        fields=[{"name": n} for n in ("Text", "Extra", "ID")],
        templates=[
            {
                "name": "填空",
                "qfmt": "{{cloze:Text}}",
                "afmt": '{{cloze:Text}}<div class="extra">{{Extra}}</div>',
            }
        ],
        css=CSS,
        model_type=genanki.Model.CLOZE,
        sort_field_index=2,
    )
    return basic, cloze


def _options_html(it: Item) -> str:
    if it.type is ItemType.MATCH:
        terms = "".join(f"<li>（{i}）{esc(t)}</li>" for i, t in enumerate(it.left, 1))
        opts = "".join(f"<li>{LETTERS[i]}. {esc(o)}</li>" for i, o in enumerate(it.options))
        return f'<ul class="opts">{terms}</ul><ul class="opts">{opts}</ul>'
    if not it.options:
        return ""
    return (
        '<ul class="opts">'
        + "".join(f"<li>{LETTERS[i]}. {esc(o)}</li>" for i, o in enumerate(it.options))
        + "</ul>"
    )


def _answer_html(it: Item) -> str:
    t = it.type
    if t is ItemType.SHORT:
        out = esc(it.answer[0] if it.answer else "")
        kps = key_points(it)
        if kps:
            out += (
                '<ol class="kp">'
                + "".join(f"<li>{esc(k.text)}（{fmt_points(k.points)}分）</li>" for k in kps)
                + "</ol>"
            )
        return out
    out = esc(answer_text(it))
    if t is ItemType.ORDER:
        out += "<br>" + " → ".join(esc(s) for s in order_steps(it))
    elif t is ItemType.MATCH:
        out += "<br>" + "<br>".join(f"{esc(a)} — {esc(b)}" for a, b in match_pairs(it))
    elif t in (ItemType.CHOICE, ItemType.MULTI):
        out += "<br>" + "<br>".join(esc(it.options[LETTERS.index(a)]) for a in it.answer)
    return out


def cloze_text(it: Item) -> str:
    """The stem with each blank as ``{{cN::answer}}``; accepted alternatives go to Extra, since a
    cloze hint shows on the question side."""
    parts = split_blanks(clean(it.stem))
    answers = list(it.answer) or [""]
    while len(parts) - 1 < len(answers):
        parts.append("")
    out = esc(parts[0], strip=False)
    for i, rest in enumerate(parts[1:], 1):
        if i <= len(answers):
            out += f"{{{{c{i}::{esc(answers[i - 1])}}}}}"
        else:
            out += "________"
        out += esc(rest, strip=False)
    return out


def notes(items: Sequence[Item], *, title: str) -> list[Any]:
    import genanki

    basic, cloze = _models()
    out = []
    for it in items:
        guid = genanki.guid_for("quizgen", it.id)
        tags = ["quizgen", f"quizgen::{it.type.value}"]
        if it.type is ItemType.FILL:
            extra = esc(it.explanation)
            note_ = key_note(it)
            if note_:
                extra = esc(note_) + ("<br>" + extra if extra else "")
            fields = [cloze_text(it), extra, esc(it.id)]
            out.append(genanki.Note(model=cloze, fields=fields, guid=guid, tags=tags))
        else:
            fields = [
                esc(it.stem),
                _options_html(it),
                _answer_html(it),
                esc(it.explanation),
                SECTION_NAMES[it.type],
                fmt_points(it.points),
                esc(it.id),
            ]
            out.append(genanki.Note(model=basic, fields=fields, guid=guid, tags=tags))
    return out


def export_time() -> float:
    """Now, or ``SOURCE_DATE_EPOCH`` (seconds) when set: the reproducible-builds convention."""
    fixed = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if fixed:
        try:
            return float(int(fixed))
        except ValueError:
            raise ExportError(
                f"SOURCE_DATE_EPOCH must be whole seconds since 1970, got {fixed!r}",
                hint="unset it, or give e.g. SOURCE_DATE_EPOCH=1750000000",
            ) from None
    return time.time()


def render(items: Sequence[Item], *, title: str, timestamp: float | None = None) -> bytes:
    """The .apkg bytes: one deck named after the bank holding a note per item, every note
    modified at `timestamp` (default: `export_time`)."""
    import genanki

    name = clean(title).replace("\n", " ").replace("::", "：") or "quizgen"  # "::" would make subdecks
    deck = genanki.Deck(stable_id("quizgen", "deck", name), name)
    for n in notes(items, title=title):
        deck.add_note(n)
    # genanki writes through a temporary SQLite file of its own; give it a private folder.
    with tempfile.TemporaryDirectory(prefix="quizgen-apkg-") as tmp:
        path = os.path.join(tmp, "deck.apkg")
        genanki.Package(deck).write_to_file(path, timestamp=export_time() if timestamp is None else timestamp)
        with open(path, "rb") as f:
            return f.read()
