"""Markdown paper and key (CommonMark; GitHub and Typora show it as a paper).

Bank text is escaped only where CommonMark (or a common extension: tables, strikethrough,
``$math$``) would read it as markup, so the file stays readable as text:

- everywhere: ``\\``, ``[`` (links, images, footnotes), ``$``, ``<`` before a letter, ``/``,
  ``!`` or ``?`` (raw HTML, autolinks), ``&`` that starts an entity (``&amp;``), and ``*``,
  ``_``, ``~`` that could open or close emphasis (not ``a * b``, not ``snake_case``);
- at the start of a line: headings, block quotes, list markers (``-``, ``+``, ``*``, ``1.``),
  thematic breaks and setext underlines, code fences, table delimiter rows;
- code spans (```x```) and fenced code blocks are kept as code: their text is never
  interpreted, so nothing in them needs escaping.

Nothing of bank text can become raw HTML. A fenced block becomes a block of its own (blank
lines around it), so a paper still reads ``【解析】… code … more text``.
"""

from __future__ import annotations

import re

from quizgen.export.paper import (
    BRACKET,
    STUDENT_FIELDS,
    Doc,
    ItemView,
    KeyView,
    Paper,
    Part,
    item_view,
    key_view,
    score_table,
)
from quizgen.items import ItemType

# A blank to write in: full-width low lines (＿) are no Markdown delimiter, unlike ``____``,
# which can pair up with another run into emphasis.
_BLANK_MD = "＿" * 4

_ENTITY = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")
# Block starts (CommonMark 4.x, 5.x) at the start of a line: the first character of the
# marker gets the backslash (for an ordered list: the `.` or `)` after the number).
_LINE_START = re.compile(
    r"(?:#{1,6}(?=[ \t]|$)"  # ATX heading
    r"|>"  # block quote
    r"|[-+*](?=[ \t]|$)"  # bullet list item
    r"|(?P<num>[0-9]{1,9})(?P<ord>[.)])(?=[ \t]|$)"  # ordered list item
    r"|`{3,}(?!.*`)|~{3,}"  # code fence (```x``` on one line is a code span)
    r"|(?P<rule>[-*_])(?:[ \t]*(?P=rule)){2,}[ \t]*$"  # thematic break
    r"|=+[ \t]*$|-+[ \t]*$"  # setext heading underline
    r"|[-|:][-|: \t]*$"  # table delimiter row
    r")"
)
# Where a line of bank text sits in the output: after a prefix on the same line (no block can
# start there), on a new line of a paragraph (most blocks can interrupt it; an ordered list
# only when it starts at 1), or at the start of a paragraph (any block can start).
GLUED, LINE, PARA = "glued", "line", "para"
_DELIMS = "*_~"
_BACKTICKS = re.compile(r"`+")


def _code_spans(line: str) -> list[tuple[int, int]]:
    """(start, end) of the code spans of a line: a backtick run and the next run of the same
    length (CommonMark 6.1). An unmatched run is text."""
    spans = []
    pos = 0
    while (m := _BACKTICKS.search(line, pos)) is not None:
        n = len(m.group())
        close = next((c for c in _BACKTICKS.finditer(line, m.end()) if len(c.group()) == n), None)
        if close is None:
            pos = m.end()
            continue
        spans.append((m.start(), close.end()))
        pos = close.end()
    return spans


def _inert(line: str, i: int, start_ws: bool, end_ws: bool) -> bool:
    """Whether the delimiter character line[i] (``*``, ``_``, ``~``) can neither open nor close
    emphasis: alone between spaces, or an ``_`` inside a word."""
    ch = line[i]
    prev = line[i - 1] if i > 0 else None
    nxt = line[i + 1] if i + 1 < len(line) else None
    if ch in (prev, nxt):  # part of a longer run: keep it simple, escape
        return False
    prev_ws = start_ws if prev is None else prev.isspace()
    next_ws = end_ws if nxt is None else nxt.isspace()
    if prev_ws and next_ws:
        return True
    return ch == "_" and prev is not None and nxt is not None and prev.isalnum() and nxt.isalnum()


def _block_marker(line: str, where: str) -> int | None:
    """Index of the character to escape so that `line` cannot start a block, or None."""
    if where == GLUED:
        return None
    m = _LINE_START.match(line)
    if m is None:
        return None
    if m.group("ord"):
        if where == LINE and int(m.group("num")) != 1:
            return None  # only a list starting at 1 can interrupt a paragraph
        return m.start("ord")
    return 0


def _esc_line(line: str, where: str, start_ws: bool, end_ws: bool) -> str:
    """Escape one line of bank text. `where`: GLUED, LINE or PARA (see above); `start_ws` /
    `end_ws`: whether what comes before / after the line in the output counts as white space
    (a line break does; a prefix such as 【答案】 may not)."""
    if where != GLUED:
        line = line.lstrip(" \t")  # (leading spaces are dropped anyway; 4 would make code)
    line = line.rstrip(" \t")
    marker = _block_marker(line, where)
    spans = {a: b for a, b in _code_spans(line) if marker is None or a > marker}
    out: list[str] = []
    i = 0
    while i < len(line):
        if i in spans:  # code: verbatim, nothing in it is markup
            out.append(line[i : spans[i]])
            i = spans[i]
            continue
        ch = line[i]
        if i == marker or ch in "\\[$`":
            out.append("\\" + ch)
        elif ch in _DELIMS:
            out.append(ch if _inert(line, i, start_ws, end_ws) else "\\" + ch)
        elif ch == "<" and line[i + 1 : i + 2] and (line[i + 1].isalpha() or line[i + 1] in "/!?"):
            out.append("\\<")  # raw HTML or an autolink
        elif ch == "&" and _ENTITY.match(line, i):
            out.append("\\&")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _lines(lines: list[str], first: str, sep: str) -> str:
    last = len(lines) - 1
    return sep.join(
        _esc_line(ln, first if i == 0 else LINE, i > 0 or first != GLUED, i < last)
        for i, ln in enumerate(lines)
    )


def esc(text: str, first: str = GLUED) -> str:
    """Markdown-escape bank text inside a paragraph; its line breaks stay soft breaks.
    `first`: where its first line sits (GLUED after a prefix, LINE, PARA)."""
    return _lines(text.split("\n"), first, "\n")


_FENCE_OPEN = re.compile(r"^(?P<ind>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\s]*)[^`]*$")


def _segments(text: str) -> list[tuple[str | None, list[str]]]:
    """Split text into (None, prose lines) and (info string, code lines) segments. A fence
    that is never closed is prose."""
    lines = text.split("\n")
    segs: list[tuple[str | None, list[str]]] = []
    prose: list[str] = []
    i = 0
    while i < len(lines):
        m = _FENCE_OPEN.match(lines[i])
        if m is not None:
            fence, indent = m.group("fence"), len(m.group("ind").expandtabs(4))
            close = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
            end = next((j for j in range(i + 1, len(lines)) if close.match(lines[j])), None)
            if end is not None:
                if prose:
                    segs.append((None, prose))
                    prose = []
                segs.append((m.group("info"), [_dedent(ln, indent) for ln in lines[i + 1 : end]]))
                i = end + 1
                continue
        prose.append(lines[i])
        i += 1
    if prose:
        segs.append((None, prose))
    return segs


def _dedent(line: str, n: int) -> str:
    k = 0
    while k < min(n, len(line)) and line[k] == " ":
        k += 1
    return line[k:]


def esc_block(text: str, first: str = GLUED) -> str:
    """Escape multi-line text: lines become hard breaks inside one paragraph. Fenced code
    blocks stay code blocks, set off by blank lines, so the text around them (``【解析】``
    before, ``（10分）`` after) stays in paragraphs of its own."""
    segs = _segments(text)
    if all(info is None for info, _ in segs):
        return _lines(text.split("\n"), first, "\\\n")
    out: list[str] = []
    for k, (info, lines) in enumerate(segs):
        if info is not None:
            longest = max((len(r) for ln in lines for r in _BACKTICKS.findall(ln)), default=0)
            fence = "`" * max(3, longest + 1)
            out.append("\n\n" + "\n".join([fence + info, *lines, fence]) + "\n\n")
            continue
        while lines and not lines[0].strip():
            lines = lines[1:]
        while lines and not lines[-1].strip():
            lines = lines[:-1]
        if lines:
            out.append(_lines(lines, first if k == 0 else PARA, "\\\n"))
    return "".join(out)


def _heading(text: str) -> str:
    """Heading text on one line; a trailing ``#`` run after a space would be read as the
    heading's closing sequence and dropped, so it is escaped."""
    s = esc(" ".join(text.split()))
    m = re.search(r"(?:^|[ \t])(#+)[ \t]*$", s)
    return s[: m.start(1)] + "\\" + s[m.start(1) :] if m else s


def _item(v: ItemView) -> list[str]:
    stem = _BLANK_MD.join(esc_block(s) for s in v.stem)  # fill items: a blank between the pieces
    head = f"**{v.number}.** {stem}{BRACKET if v.bracket else ''}{v.points}"
    out = [head, ""]
    if v.terms:
        out += ["\\\n".join(f"（{n}）{esc(t)}" for n, t in v.terms), ""]
    if v.options:
        out += ["\\\n".join(f"{a}. {esc_block(t)}" for a, t in v.options), ""]
    if v.answer_label:
        slots = "　".join(f"（{s}）{_BLANK_MD}" if s else _BLANK_MD * 2 for s in v.answer_slots)
        out += [f"{v.answer_label}{slots}", ""]
    if v.lines:
        out += ["答：", "", *(["&nbsp;", ""] * v.lines)]
    return out


def render_paper(paper: Paper) -> str:
    head, marks = score_table(paper)
    out = [f"# {_heading(paper.full_title)}", ""]
    out += [esc(paper.info_line, PARA), ""]
    out += ["　".join(f"{f}：{_BLANK_MD}" for f in STUDENT_FIELDS), ""]
    out += ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head), "| " + " | ".join(marks) + " |"]
    out += ["| 得分 |" + "  |" * (len(head) - 1), ""]
    if paper.header.notices:
        out += ["**注意事项：**", ""]
        out += [f"{i}. {esc(n)}" for i, n in enumerate(paper.header.notices, 1)] + [""]
    for s in paper.sections:
        out += [f"## {s.heading()}", "", f"*{s.instruction}*", ""]
        for pi in s.items:
            out += _item(item_view(pi, s))
    return "\n".join(out).rstrip() + "\n"


def _key(k: KeyView) -> list[str]:
    if k.type is ItemType.SHORT:
        out = [f"**{k.number}.** 【参考答案】{esc_block(k.answer)}（{k.points}分）", ""]
        if k.key_points:
            out += ["【评分要点】", ""]
            out += [f"{i}. {esc(t)}（{p}分）" for i, (t, p) in enumerate(k.key_points, 1)] + [""]
    else:
        note = f"（{esc(k.note)}）" if k.note else ""
        out = [f"**{k.number}.** 【答案】{esc(k.answer)}{note}", ""]
        if k.detail:
            out += [_lines(list(k.detail), PARA, "\\\n"), ""]
    if k.explanation:
        out += [f"【解析】{esc_block(k.explanation)}", ""]
    return out


def render_key(paper: Paper) -> str:
    out = [f"# {_heading(paper.key_title)}", "", esc(paper.info_line, PARA), ""]
    for s in paper.sections:
        out += [f"## {s.heading()}", ""]
        if s.key_rule:
            out += [f"*{s.key_rule}*", ""]
        for pi in s.items:
            out += _key(key_view(pi))
    return "\n".join(out).rstrip() + "\n"


def render(docs: list[Doc]) -> str:
    """Papers and keys in one Markdown text, separated by a thematic break."""
    return "\n---\n\n".join(
        render_key(d.paper) if d.part is Part.KEY else render_paper(d.paper) for d in docs
    )
