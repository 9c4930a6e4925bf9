"""GIFT (Moodle's plain-text question format).

Every question is ``::name::[html]text{answers}`` on one line, questions separated by a
blank line. Bank text is HTML-escaped (the ``[html]`` format) and then GIFT-escaped: ``\\``,
``~ = # { } :`` get a backslash and line breaks become ``<br>``, as Moodle's own exporter
does. Differences from Moodle XML, forced by GIFT:

- shortanswer answers are compared as plain text, so they are GIFT-escaped only;
- an order item uses the ordering plugin's syntax ``{>N ALL VERTICAL ABSOLUTE_POSITION SHOW``
  with one step per line. Moodle hands those lines to the plugin unprocessed, so steps and
  the stem carry braces and ``#`` as HTML character references instead of backslashes;
- a short item becomes an essay whose reference answer is the general feedback (GIFT has no
  grader information field).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from quizgen.export.common import (
    clean,
    fill_accepted,
    fmt_points,
    key_points,
    one_line,
    order_steps,
    tf_is_true,
)
from quizgen.export.moodle import category_path, multi_fractions, shortanswer_text
from quizgen.items import LETTERS, Item, ItemType
from quizgen.scoring import MultiRule

_GIFT_SPECIAL = "~=#{}:"


def esc(text: str) -> str:
    """GIFT-escape plain text (no HTML escaping): Moodle's ``repchar``."""
    out = clean(text).replace("\\", "\\\\")
    for ch in _GIFT_SPECIAL:
        out = out.replace(ch, "\\" + ch)
    return out.replace("\n", "\\n")


def h(text: str) -> str:
    """Bank text for an ``[html]`` field: HTML-escaped, line breaks as <br>, then GIFT-escaped."""
    return esc(html.escape(clean(text), quote=False).replace("\n", "<br>"))


def _raw_html(text: str) -> str:
    """A step line the ordering plugin reads unescaped: HTML, braces as character references."""
    out = html.escape(clean(text), quote=False).replace("\n", "<br>")
    out = out.replace("{", "&#123;").replace("}", "&#125;")
    return out.replace("//", "&#47;&#47;")


def _order_stem(text: str) -> str:
    """The stem of an order item: it goes through Moodle's GIFT parser (escapes resolved) and
    through the plugin's pattern, which allows no ``{`` at all before ``{>``: braces become
    character references whose ``#`` is GIFT-escaped."""
    out = html.escape(clean(text), quote=False).replace("\n", "<br>")
    out = esc(out.replace("{", "\ue000").replace("}", "\ue001"))
    return out.replace("\ue000", "&\\#123;").replace("\ue001", "&\\#125;")


def _name(number: int, it: Item) -> str:
    label = one_line(it.stem, 50).replace("{", "（").replace("}", "）")
    return f"::{esc(f'{number:03d} {label}')}::"


def _feedback(it: Item) -> str:
    return f"####{h(it.explanation)}" if it.explanation.strip() else ""


def question(number: int, it: Item, multi_rule: MultiRule = MultiRule.STRICT) -> str:
    name = _name(number, it)
    t = it.type
    if t is ItemType.ORDER:
        steps = "\n".join(_raw_html(s).replace("\n", " ") for s in order_steps(it))
        head = f"{{>{len(it.options)} ALL VERTICAL ABSOLUTE_POSITION SHOW"
        return f"{name}[html]{_order_stem(it.stem)}{head}\n{steps}\n}}"
    stem = f"{name}[html]{h(it.stem)}"
    if t in (ItemType.CHOICE, ItemType.MULTI):
        right = set(it.answer)
        good, bad = multi_fractions(len(right), multi_rule)
        parts = []
        for i, opt in enumerate(it.options):
            if t is ItemType.CHOICE:
                mark = "=" if LETTERS[i] in right else "~"
            else:
                mark = f"~%{good if LETTERS[i] in right else bad}%"
            parts.append(f"\t{mark}{h(opt)}")
        body = "\n".join(parts)
        return f"{stem}{{\n{body}\n{_feedback(it)}}}"
    if t is ItemType.TF:
        return f"{stem}{{{'TRUE' if tf_is_true(it) else 'FALSE'}{_feedback(it)}}}"
    if t is ItemType.FILL:
        answers = " ".join(f"={esc(shortanswer_text(a))}" for a in fill_accepted(it))
        return f"{stem}{{{answers}{_feedback(it)}}}"
    if t is ItemType.MATCH:
        pairs = [
            f"\t={h(term)} -> {esc(it.options[LETTERS.index(a)])}"
            for term, a in zip(it.left, it.answer, strict=True)
        ]
        return f"{stem}{{\n" + "\n".join(pairs) + f"\n{_feedback(it)}}}"
    # short -> essay; the reference answer and key points are the general feedback
    ref = f"参考答案：{it.answer[0] if it.answer else ''}"
    kps = key_points(it)
    if kps:
        ref += "\n评分要点：" + "；".join(f"{k.text}（{fmt_points(k.points)}分）" for k in kps)
    if it.explanation.strip():
        ref += f"\n解析：{it.explanation}"
    return f"{stem}{{####{h(ref)}}}"


def render(items: Sequence[Item], *, title: str, multi_rule: MultiRule = MultiRule.STRICT) -> str:
    out = [f"// quizgen: {one_line(title, 80)}", f"$CATEGORY: {category_path(title)}", ""]
    for n, it in enumerate(items, 1):
        out += [f"// points: {fmt_points(it.points)}  id: {it.id}", question(n, it, multi_rule), ""]
    return "\n".join(out)
