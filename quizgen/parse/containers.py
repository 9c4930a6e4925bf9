"""Containers CommonMark does not know, unwrapped line by line before the Markdown parser runs.

- MkDocs admonitions: ``!!! type "title"``, collapsible ``??? type "title"`` / ``???+``, the
  body indented by four spaces (nested ones by eight, ...). Plain CommonMark reads such a body
  as an indented code block, so the questions inside would be lost.
- Fenced containers (VuePress, markdown-it-container, Docusaurus): ``::: type title`` ... ``:::``.

The header and closing lines are blanked and admonition bodies dedented, so every line keeps
its number (warnings and ``--explain`` still point at the file) and the Markdown parser sees
ordinary blocks; the containers come back as line ranges that `quizgen.parse.blocks` uses to
group those blocks. Code fences and HTML comments are skipped: ``!!!`` in code or in
``<!-- … -->`` is text, not a container.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ADMONITION_RE = re.compile(
    r"^(?P<indent>[ ]*)(?P<mark>!!!|\?\?\?\+?)[ \t]+(?P<type>[\w-]+)"
    r"(?:[ \t]+(?:inline(?:[ \t]+end)?))?(?:[ \t]+\"(?P<title>[^\"]*)\")?[ \t]*$"
)
_COLON_OPEN_RE = re.compile(r"^[ ]*(?P<colons>:{3,})[ \t]*(?P<type>[\w-]+)[ \t]*(?P<title>.*?)[ \t]*$")
_COLON_CLOSE_RE = re.compile(r"^[ ]*(?P<colons>:{3,})[ \t]*$")
_FENCE_RE = re.compile(r"^[ ]*(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


@dataclass(frozen=True)
class Container:
    """A container's line range: `line` is its header, `end` its last body line (1-based)."""

    kind: str  # "admonition" or "fenced"
    type: str  # question, success, info, tip, ... as written (lower case)
    title: str
    line: int
    end: int
    depth: int  # 0 for a top-level container, 1 inside another, ...


@dataclass
class _Open:
    kind: str
    type: str
    title: str
    line: int
    depth: int
    body_indent: int = 0  # admonitions: columns their body is indented by (absolute)
    colons: int = 0  # fenced containers: length of the opening run of colons
    last: int = 0  # last non-blank body line so far


def unwrap(lines: list[str]) -> tuple[list[str], list[Container]]:
    """Blank container markers and dedent admonition bodies; return the new lines (as many as
    given) and the containers found, outermost first."""
    out = list(lines)
    found: list[Container] = []
    stack: list[_Open] = []
    fence: tuple[str, int] | None = None
    comment = False

    def close(top: _Open) -> None:
        found.append(Container(top.kind, top.type, top.title, top.line, max(top.last, top.line), top.depth))

    for i, raw in enumerate(lines):
        line = raw.expandtabs(4) if "\t" in raw else raw
        blank = not line.strip()
        if not blank:
            indent = len(line) - len(line.lstrip(" "))
            # an admonition ends at the first line indented less than its body
            while stack and stack[-1].kind == "admonition" and indent < stack[-1].body_indent:
                close(stack.pop())
        cut = max((o.body_indent for o in stack if o.kind == "admonition"), default=0)
        text = line[cut:] if cut and line[:cut].strip() == "" else line
        if cut:
            out[i] = text
        if blank:
            continue
        stripped = text.lstrip()
        if fence is not None:
            m = _FENCE_RE.match(text)
            if (
                m
                and m.group("fence")[0] == fence[0]
                and len(m.group("fence")) >= fence[1]
                and not m.group("info").strip()
            ):
                fence = None
            for o in stack:
                o.last = i + 1
            continue
        if comment:
            if "-->" in text:
                comment = False
            for o in stack:
                o.last = i + 1
            continue
        if stripped.startswith("<!--") and "-->" not in stripped:
            comment = True
            for o in stack:
                o.last = i + 1
            continue
        m = _FENCE_RE.match(text)
        if m and not (m.group("fence")[0] == "`" and "`" in m.group("info")):
            fence = (m.group("fence")[0], len(m.group("fence")))
            for o in stack:
                o.last = i + 1
            continue
        a = _ADMONITION_RE.match(text) if stripped[:3] in ("!!!", "???") else None
        if a:
            for o in stack:
                o.last = i + 1
            stack.append(
                _Open(
                    "admonition",
                    a.group("type").lower(),
                    (a.group("title") or "").strip(),
                    i + 1,
                    len(stack),
                    body_indent=cut + len(a.group("indent")) + 4,
                    last=i + 1,
                )
            )
            out[i] = ""
            continue
        if stripped.startswith(":::"):
            c = _COLON_CLOSE_RE.match(text)
            if c:
                k = next(
                    (
                        j
                        for j in range(len(stack) - 1, -1, -1)
                        if stack[j].kind == "fenced" and len(c.group("colons")) >= stack[j].colons
                    ),
                    None,
                )
                if k is not None:
                    for o in stack:
                        o.last = i + 1
                    while len(stack) > k:
                        close(stack.pop())
                    out[i] = ""
                    continue
            o_ = _COLON_OPEN_RE.match(text)
            if o_:
                for o in stack:
                    o.last = i + 1
                stack.append(
                    _Open(
                        "fenced",
                        o_.group("type").lower(),
                        o_.group("title").strip(),
                        i + 1,
                        len(stack),
                        colons=len(o_.group("colons")),
                        last=i + 1,
                    )
                )
                out[i] = ""
                continue
        for o in stack:
            o.last = i + 1
    while stack:
        close(stack.pop())
    found.sort(key=lambda c: (c.line, c.depth))
    return out, found
