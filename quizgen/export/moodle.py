"""Moodle XML (Question bank -> Import -> Moodle XML format).

choice -> multichoice (single), multi -> multichoice (several right answers; fractions from
`multi_fractions`), tf -> truefalse, fill -> shortanswer (every
accepted spelling is a 100% answer; several blanks -> multianswer/Cloze), order ->
ordering (core since Moodle 4.4, a plugin before), match -> matching, short -> essay with
the reference answer and key points as information for graders.

Text fields are HTML (``format="html"``) holding `html.escape`-d bank text, so ``<script>``
shows as typed; the XML layer escapes once more. Shortanswer answers and matching choices
are compared/shown as plain text, so they are not HTML-escaped; ``*`` (Moodle's wildcard
in shortanswer) is backslash-escaped.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from quizgen.export.common import (
    clean,
    fill_accepted,
    fmt_points,
    key_points,
    one_line,
    order_steps,
    split_blanks,
    tf_is_true,
)
from quizgen.items import LETTERS, Item, ItemType
from quizgen.scoring import MultiRule

# Moodle accepts only these grade fractions on import ("Error if grade not listed").
_FRACTIONS = {1: "100", 2: "50", 3: "33.33333", 4: "25", 5: "20", 6: "16.66667", 7: "14.28571", 8: "12.5"}
_FRACTIONS.update({9: "11.11111", 10: "10"})


def share(n: int) -> str:
    """The Moodle fraction (percent) worth 1/n of a question, from Moodle's list of grades."""
    if n in _FRACTIONS:
        return _FRACTIONS[n]
    return "5" if n <= 20 else "0"


def multi_fractions(right: int, rule: MultiRule) -> tuple[str, str]:
    """The Moodle fractions (percent) of a right and of a wrong option of a 多选题 with `right`
    right options. Moodle adds up the fractions of the ticked options and clips the sum to
    0..100%, so `MultiRule.PARTIAL` ((right - wrong) / n, floored at 0) is exact: +1/n and -1/n.
    Moodle cannot withhold credit from an incomplete pick, so STRICT and HALF are only partly
    expressible: a wrong option is -100% (any wrong tick scores 0, as the rule says) while each
    right option still earns 1/n (`export.caveats` says so when exporting)."""
    if rule is MultiRule.PARTIAL:
        return share(right), "-" + share(right)
    return share(right), "-100"


def h(text: str, *, strip: bool = True) -> str:
    """Bank text as HTML: escaped, line breaks kept."""
    return html.escape(clean(text, strip=strip), quote=False).replace("\n", "<br>")


def _text(parent: ET.Element, tag: str, value: str, fmt: str | None = "html") -> ET.Element:
    el = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(el, "text").text = value
    return el


def _leaf(parent: ET.Element, tag: str, value: str) -> None:
    ET.SubElement(parent, tag).text = value


def _answer(parent: ET.Element, fraction: str, text: str, fmt: str = "html", feedback: str = "") -> None:
    a = ET.SubElement(parent, "answer", {"fraction": fraction, "format": fmt})
    ET.SubElement(a, "text").text = text
    _text(a, "feedback", feedback)


def shortanswer_text(text: str) -> str:
    """A shortanswer answer: plain text, Moodle's ``*`` wildcard escaped (``\\*`` is a literal star)."""
    return clean(text).replace("*", "\\*")


def cloze_text(text: str) -> str:
    """An answer inside a Cloze ``{1:SHORTANSWER:=...}``: its special characters escaped."""
    out = clean(text).replace("\\", "\\\\")
    for ch in '}#~/"*':
        out = out.replace(ch, "\\" + ch)
    return out


def category_path(title: str) -> str:
    # "/" separates categories in Moodle paths; a literal slash is written twice.
    return "$course$/top/" + (one_line(title, 200).replace("/", "//") or "quizgen")


def grader_info(it: Item) -> str:
    parts = [f"<p><strong>参考答案：</strong>{h(it.answer[0] if it.answer else '')}</p>"]
    kps = key_points(it)
    if kps:
        lis = "".join(f"<li>{h(k.text)}（{fmt_points(k.points)}分）</li>" for k in kps)
        parts.append(f"<p><strong>评分要点：</strong></p><ol>{lis}</ol>")
    return "".join(parts)


def _question(quiz: ET.Element, number: int, it: Item, multi_rule: MultiRule) -> None:
    qtype = {
        ItemType.CHOICE: "multichoice",
        ItemType.MULTI: "multichoice",
        ItemType.TF: "truefalse",
        ItemType.FILL: "shortanswer",
        ItemType.ORDER: "ordering",
        ItemType.MATCH: "matching",
        ItemType.SHORT: "essay",
    }[it.type]
    cloze = it.type is ItemType.FILL and len(it.answer) > 1
    if cloze:
        qtype = "multianswer"
    q = ET.SubElement(quiz, "question", {"type": qtype})
    name = ET.SubElement(q, "name")
    ET.SubElement(name, "text").text = f"{number:03d} {one_line(it.stem, 50)}"
    if cloze:
        stem = split_blanks(clean(it.stem))
        while len(stem) - 1 < len(it.answer):
            stem.append("")
        body = h(stem[0], strip=False)
        for i, a in enumerate(it.answer):
            body += f"{{1:SHORTANSWER:={cloze_text(a)}}}" + h(stem[i + 1], strip=False)
        _text(q, "questiontext", body)
    else:
        _text(q, "questiontext", h(it.stem))
    _text(q, "generalfeedback", h(it.explanation))
    _leaf(q, "defaultgrade", fmt_points(it.points))
    _leaf(q, "penalty", "0" if it.type is ItemType.SHORT else "0.3333333")
    _leaf(q, "hidden", "0")
    t = it.type
    if t in (ItemType.CHOICE, ItemType.MULTI):
        _leaf(q, "single", "true" if t is ItemType.CHOICE else "false")
        _leaf(q, "shuffleanswers", "true")
        _leaf(q, "answernumbering", "ABCD")
        _leaf(q, "showstandardinstruction", "0")
        right = set(it.answer)
        good, bad = multi_fractions(len(right), multi_rule)
        for i, opt in enumerate(it.options):
            wrong = "0" if t is ItemType.CHOICE else bad
            _answer(q, good if LETTERS[i] in right else wrong, h(opt))
    elif t is ItemType.TF:
        truth = tf_is_true(it)
        _answer(q, "100" if truth else "0", "true", "moodle_auto_format")
        _answer(q, "0" if truth else "100", "false", "moodle_auto_format")
    elif t is ItemType.FILL and not cloze:
        _leaf(q, "usecase", "0")
        for a in fill_accepted(it):
            _answer(q, "100", shortanswer_text(a), "moodle_auto_format")
    elif t is ItemType.ORDER:
        _leaf(q, "layouttype", "VERTICAL")
        _leaf(q, "selecttype", "ALL")
        _leaf(q, "selectcount", str(len(it.options)))
        _leaf(q, "gradingtype", "ABSOLUTE_POSITION")
        _leaf(q, "showgrading", "SHOW")
        _leaf(q, "numberingstyle", "abc")
        for pos, step in enumerate(order_steps(it), 1):
            _answer(q, f"{pos}.0000000", h(step))
    elif t is ItemType.MATCH:
        _leaf(q, "shuffleanswers", "true")
        used = set()
        for term, a in zip(it.left, it.answer, strict=True):
            used.add(a)
            sub = _text(q, "subquestion", h(term))
            ans = ET.SubElement(sub, "answer")
            ET.SubElement(ans, "text").text = clean(it.options[LETTERS.index(a)])
        for i, opt in enumerate(it.options):  # distractors: a choice no term takes
            if LETTERS[i] not in used:
                sub = _text(q, "subquestion", "")
                ans = ET.SubElement(sub, "answer")
                ET.SubElement(ans, "text").text = clean(opt)
    elif t is ItemType.SHORT:
        _leaf(q, "responseformat", "editor")
        _leaf(q, "responserequired", "1")
        _leaf(q, "responsefieldlines", "10")
        _leaf(q, "attachments", "0")
        _leaf(q, "attachmentsrequired", "0")
        _text(q, "graderinfo", grader_info(it))
        _text(q, "responsetemplate", "")


def render(items: Sequence[Item], *, title: str, multi_rule: MultiRule = MultiRule.STRICT) -> str:
    """A Moodle XML document: one category named after the bank, then every item."""
    quiz = ET.Element("quiz")
    cat = ET.SubElement(quiz, "question", {"type": "category"})
    c = ET.SubElement(cat, "category")
    ET.SubElement(c, "text").text = category_path(title)
    _text(cat, "info", "")
    for n, it in enumerate(items, 1):
        _question(quiz, n, it, multi_rule)
    ET.indent(quiz, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode") + "\n"
