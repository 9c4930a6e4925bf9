"""Markdown -> a tree of blocks with line numbers, read by a real CommonMark parser.

The parser is pyromark (bindings to pulldown-cmark, the Rust CommonMark parser used by
rustdoc and mdBook): spec-compliant, maintained, with the GFM extensions notes use (tables,
task lists, strikethrough, footnotes, ``$math$``, YAML front matter), and fast enough that a
10 MB file parses in well under a second. Code fences, block quotes, lists, tables and HTML
are therefore what the spec says they are: a ``#`` inside code or an HTML colour is never a
heading, and a list item's nested code fence stays in the item.

Each `Block` carries its first and last line and, for headings and paragraphs, its text as a
reader sees it (`text`: emphasis markers, HTML tags, link targets and images removed; inline
code keeps its backticks; one text line per source line) plus the inline marks cues need
(bold, emphasis, underline, code spans, with offsets into `text`). Containers from
`quizgen.parse.containers` (admonitions, ``:::`` blocks) and Obsidian callouts
(``> [!question] …``) become `Kind.CONTAINER` blocks holding the blocks inside them.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import accumulate
from typing import Any, NamedTuple

from quizgen.parse.containers import Container, unwrap

_OPTIONS: Any = None


def _options() -> Any:
    global _OPTIONS
    if _OPTIONS is None:
        import pyromark

        o = pyromark.Options
        _OPTIONS = (
            o.ENABLE_TABLES
            | o.ENABLE_TASKLISTS
            | o.ENABLE_STRIKETHROUGH
            | o.ENABLE_FOOTNOTES
            | o.ENABLE_MATH
            | o.ENABLE_YAML_STYLE_METADATA_BLOCKS
        )
    return _OPTIONS


class Kind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    CODE = "code"
    HTML = "html"
    QUOTE = "quote"
    LIST = "list"
    ITEM = "item"
    TABLE = "table"
    RULE = "rule"
    META = "meta"  # front matter
    FOOTNOTE = "footnote"
    CONTAINER = "container"


# Mark and Block are named tuples rather than frozen dataclasses: a 10 MB file makes 150,000
# blocks and as many marks, and a tuple is built five times faster.
class Mark(NamedTuple):
    """An inline mark over ``text[start:end]``: strong, em, u (underline), code, link, del."""

    kind: str
    start: int
    end: int


Rows = tuple[tuple[str, ...], ...]


class Block(NamedTuple):
    kind: Kind
    line: int  # first line, 1-based
    end: int  # last line
    text: str = ""  # headings, paragraphs: plain text; code: the code; html: as written
    children: tuple[Block, ...] = ()
    level: int = 0  # heading level; quote/list/item nesting is in the tree
    info: str = ""  # code: language; container: type (question, info, ...); list: "ordered"/""
    number: int | None = None  # ordered list: start; item: its number in an ordered list
    checked: bool | None = None  # task list item: [x] / [ ]
    marks: tuple[Mark, ...] = ()
    rows: Rows = ()  # table: cells as plain text, header row first
    title: str = ""  # container title
    quote_depth: int = 0  # how many block quotes the block sits in (to strip their `>`)
    tight: bool = False  # list item whose text is not wrapped in a paragraph

    @property
    def first_line_text(self) -> str:
        return self.text.split("\n", 1)[0]

    def walk(self) -> Iterator[Block]:
        yield self
        for c in self.children:
            yield from c.walk()

    def marks_of(self, kind: str) -> list[Mark]:
        return [m for m in self.marks if m.kind == kind]


@dataclass
class Document:
    """The notes as blocks, with the (unwrapped) source lines to cut answers from."""

    blocks: list[Block]
    lines: list[str]  # the source after `containers.unwrap`, one entry per line, no "\n"
    containers: list[Container] = field(default_factory=list)
    front_matter: str | None = None

    def source(self, start: int, end: int, quote_depth: int = 0) -> str:
        """Lines start..end (1-based, inclusive) as written, block-quote markers removed to
        `quote_depth`, common indentation removed, blank edges trimmed."""
        chunk = self.lines[start - 1 : end]
        if quote_depth:
            chunk = [_strip_quote(t, quote_depth) for t in chunk]
        return _dedent(chunk)

    def source_of(self, blocks: list[Block] | tuple[Block, ...]) -> str:
        if not blocks:
            return ""
        return self.source(blocks[0].line, max(b.end for b in blocks), blocks[0].quote_depth)


_QUOTE_RE = re.compile(r"^ {0,3}> ?")


def _strip_quote(line: str, depth: int) -> str:
    for _ in range(depth):
        m = _QUOTE_RE.match(line)
        if not m:
            break
        line = line[m.end() :]
    return line


def _dedent(chunk: list[str]) -> str:
    start, end = 0, len(chunk)
    while start < end and not chunk[start].strip():
        start += 1
    while end > start and not chunk[end - 1].strip():
        end -= 1
    chunk = [t.rstrip() for t in chunk[start:end]]
    if not chunk:
        return ""
    indents = [len(t) - len(t.lstrip(" ")) for t in chunk if t.strip()]
    cut = min(indents) if indents else 0
    if cut:
        chunk = [t[cut:] if t[:cut].strip() == "" else t.lstrip() for t in chunk]
    out = "\n".join(chunk)
    return re.sub(r"\n{3,}", "\n\n", out) if "\n\n\n" in out else out


_RAW_KINDS = frozenset({Kind.CODE, Kind.HTML, Kind.META})
_BR_RE = re.compile(r"^<br\s*/?>$", re.I)
_U_OPEN_RE = re.compile(r"^<(u|ins)(\s[^>]*)?>$", re.I)
_U_CLOSE_RE = re.compile(r"^</(u|ins)\s*>$", re.I)
_CALLOUT_RE = re.compile(r"^\[!(?P<type>[\w-]+)\][+-]?[ \t]*(?P<title>.*)$")


class _Frame:
    """A container block whose End event has not come yet: a list or item, a block quote, a
    table, code, HTML, front matter, a footnote. (Paragraphs and headings hold only inline
    events: `parse` keeps the one being read in locals.)"""

    __slots__ = (
        "buf",
        "checked",
        "children",
        "info",
        "kind",
        "line",
        "next_number",
        "number",
        "quote_depth",
        "tight",
    )

    def __init__(
        self, kind: Kind | None, line: int, quote_depth: int, info: str = "", number: int | None = None
    ) -> None:
        self.kind = kind
        self.line = line
        self.children: list[Block] = []
        self.quote_depth = quote_depth
        self.info = info
        self.number = number
        self.checked: bool | None = None
        self.tight = False  # a list item whose text came without a paragraph around it
        self.next_number: int | None = None  # an ordered list: the number of its next item
        self.buf: list[str] = []  # code, HTML, front matter: the raw text


def _end_mark(opened: list[tuple[str, int]], marks: list[Mark], kind: str, size: int) -> None:
    """Close the innermost open mark of `kind` at `size` (kept when it covers some text)."""
    for j in range(len(opened) - 1, -1, -1):
        if opened[j][0] == kind:
            k, at = opened.pop(j)
            if size > at:
                marks.append(Mark(k, at, size))
            return


# Inline containers and the kind of their mark (an image has none: its alt text is left out)
_MARK_KINDS = {
    "Emphasis": "em",
    "Strong": "strong",
    "Strikethrough": "del",
    "Link": "link",
    "Superscript": "superscript",
    "Subscript": "subscript",
}
_INLINE_TAGS = frozenset({*_MARK_KINDS, "Image"})
# Events that put text into a tight list item (whose text has no paragraph around it)
_TEXT_EVENTS = frozenset({"Text", "Code", "InlineMath", "DisplayMath", "InlineHtml"})


def parse(text: str) -> Document:
    """Notes text (cleaned, ``\\n`` line ends) -> `Document`."""
    import pyromark

    lines = text.split("\n")
    containers: list[Container] = []
    source = text
    if "!!!" in text or "???" in text or ":::" in text:  # else no container opens: nothing changes
        lines, containers = unwrap(lines)
        source = "\n".join(lines)
    # the byte offset each line starts at: pyromark's ranges are UTF-8 byte offsets
    starts = [0, *accumulate(len(x) + 1 for x in source.encode("utf-8").split(b"\n")[:-1])]
    line_of = bisect.bisect_right  # line_of(starts, offset): the 1-based line of a byte offset
    new_block = tuple.__new__

    # A 10 MB file has half a million events, so the loop keeps its state in locals. `top` is
    # the innermost open container. The paragraph or heading being read (`para_kind` not
    # None) is in the `para_*` locals, its text and marks in `parts`, `size`, `marks`,
    # `opened`; `tight` says it is a tight list item's text (opened here, not by an event).
    root = _Frame(None, 0, 0)
    stack = [root]
    top = root
    para_kind: Kind | None = None
    para_line = para_level = para_qd = 0
    para_checked: bool | None = None
    para_end = -1  # a tight item's text: where its last piece ends
    tight = False
    parts: list[str] = []
    size = 0
    marks: list[Mark] = []
    opened: list[tuple[str, int]] = []
    image = 0  # inside an image: its alt text is left out
    pending_br = False  # a <br> seen: the line break it stands for comes before more text
    quote_depth = 0
    quotes = False
    front: str | None = None
    table_rows: list[list[str]] = []
    cell: list[str] | None = None
    val: Any
    arg: Any
    ITEM = Kind.ITEM  # a local: looked up for every event

    events: Any = pyromark.events_with_range(source, options=_options())
    for ev, rng in events:
        if type(ev) is str:
            key, val = ev, None
        else:
            (key,) = ev
            val = ev[key]
            if (
                para_kind is None
                and top.kind is ITEM
                and cell is None
                and (
                    key in _TEXT_EVENTS
                    or (key == "Start" and (val if type(val) is str else next(iter(val))) in _INLINE_TAGS)
                )
            ):
                para_kind, para_line, para_level, para_qd = (
                    Kind.PARAGRAPH,
                    line_of(starts, rng["start"]),
                    0,
                    quote_depth,
                )
                para_checked, para_end, tight = None, -1, True
                parts, size, marks, opened, image, pending_br = [], 0, [], [], 0, False
        if key == "Text":
            if para_kind is not None:
                if not image:
                    if pending_br:
                        pending_br = False
                        parts.append("\n")
                        size += 1
                    if val:
                        parts.append(val)
                        size += len(val)
                if tight:
                    para_end = rng["end"]
            elif top.kind in _RAW_KINDS:
                top.buf.append(val)
            elif cell is not None:
                cell.append(val)
            continue
        if key == "Start" or key == "End":
            if type(val) is str:
                tag, arg = val, None
            else:
                tag = next(iter(val))
                arg = val[tag]
            if tag in _INLINE_TAGS:
                if para_kind is None:
                    pass
                elif tag == "Image":
                    if key == "Start":
                        image += 1
                    elif image:
                        image -= 1
                elif key == "Start":
                    opened.append((_MARK_KINDS[tag], size))
                elif opened and opened[-1][0] == _MARK_KINDS[tag]:  # (`_end_mark`, made short)
                    kind, at = opened.pop()
                    if size > at:
                        marks.append(Mark(kind, at, size))
                else:
                    _end_mark(opened, marks, _MARK_KINDS[tag], size)
                continue
        elif key == "SoftBreak" or key == "HardBreak":
            if para_kind is not None:
                # one "\n" per source line: a <br> at the end of a line is that line break
                pending_br = False
                parts.append("\n")
                size += 1
            elif cell is not None:
                cell.append(" ")
            continue
        elif key != "Rule":
            if key == "Code" or key == "InlineMath" or key == "DisplayMath":
                s = f"`{val}`" if key == "Code" else (f"${val}$" if key == "InlineMath" else f"$${val}$$")
                if cell is not None:
                    cell.append(s)
                elif para_kind is not None:
                    at = size
                    if pending_br:
                        pending_br = False
                        parts.append("\n")
                        size += 1
                    parts.append(s)
                    size += len(s)
                    if key == "Code":
                        marks.append(Mark("code", at, size))
                    if tight:
                        para_end = rng["end"]
            elif key == "InlineHtml":
                tag = val.strip()
                if cell is not None:
                    if _BR_RE.match(tag):
                        cell.append(" ")
                    elif _U_OPEN_RE.match(tag) or _U_CLOSE_RE.match(tag):
                        cell.append(val)
                elif para_kind is not None:
                    if _BR_RE.match(tag):
                        pending_br = True
                    elif _U_OPEN_RE.match(tag):
                        opened.append(("u", size))
                    elif _U_CLOSE_RE.match(tag):
                        _end_mark(opened, marks, "u", size)
                    if tight:
                        para_end = rng["end"]
            elif key == "Html":
                if top.kind is Kind.HTML:
                    top.buf.append(val)
            elif key == "TaskListMarker":
                if para_kind is not None:
                    para_checked = bool(val)
                else:
                    top.checked = bool(val)
            continue

        # A block starts or ends, or a thematic break: a paragraph or heading (or a tight
        # item's text, which ends here) becomes a block.
        if tight or (key == "End" and (tag == "Paragraph" or tag == "Heading")):
            assert para_kind is not None
            end = para_end if tight and para_end >= 0 else rng["end"]
            last = line_of(starts, end - 1) if end > 0 else 1
            top.children.append(
                new_block(
                    Block,
                    (
                        para_kind,
                        para_line,
                        last if last > para_line else para_line,
                        "".join(parts).strip("\n"),
                        (),
                        para_level,
                        "",
                        None,
                        para_checked,
                        tuple(marks),
                        (),
                        "",
                        para_qd,
                        False,
                    ),
                )
            )
            para_kind = None
            if tight:
                top.tight = True
                tight = False
            else:
                continue
        if key == "Rule":
            end = rng["end"]
            top.children.append(
                new_block(
                    Block,
                    (
                        Kind.RULE,
                        line_of(starts, rng["start"]),
                        line_of(starts, end - 1) if end > 0 else 1,
                        "",
                        (),
                        0,
                        "",
                        None,
                        None,
                        (),
                        (),
                        "",
                        quote_depth,
                        False,
                    ),
                )
            )
        elif key == "Start":
            line = line_of(starts, rng["start"])
            if tag == "Paragraph" or tag == "Heading":
                para_kind, para_line, para_qd = Kind.PARAGRAPH, line, quote_depth
                para_level = 0
                if tag == "Heading":
                    para_kind, para_level = Kind.HEADING, int(str(arg["level"])[1:])
                para_checked = None
                parts, size, marks, opened, image, pending_br = [], 0, [], [], 0, False
                continue
            if tag == "Item":
                num = top.next_number
                if num is not None:
                    top.next_number = num + 1
                top = _Frame(Kind.ITEM, line, quote_depth, number=num)
            elif tag == "List":
                start = arg if isinstance(arg, int) else None  # None: a bullet list
                info = "" if start is None else "ordered"
                top = _Frame(Kind.LIST, line, quote_depth, info=info, number=start)
                top.next_number = start
            elif tag == "CodeBlock":
                lang = arg.get("Fenced", "") if isinstance(arg, dict) else ""
                top = _Frame(Kind.CODE, line, quote_depth, info=lang.strip())
            elif tag == "HtmlBlock":
                top = _Frame(Kind.HTML, line, quote_depth)
            elif tag == "BlockQuote":
                top = _Frame(Kind.QUOTE, line, quote_depth)
                quote_depth += 1
                quotes = True
            elif tag == "Table":
                top = _Frame(Kind.TABLE, line, quote_depth)
                table_rows = []
            elif tag == "TableHead" or tag == "TableRow":
                table_rows.append([])
                continue
            elif tag == "TableCell":
                cell = []
                continue
            elif tag == "FootnoteDefinition":
                top = _Frame(Kind.FOOTNOTE, line, quote_depth, info=str(arg))
            elif tag == "MetadataBlock":
                top = _Frame(Kind.META, line, quote_depth)
            else:  # definition lists and other extensions we do not enable: keep as a container
                top = _Frame(Kind.CONTAINER, line, quote_depth, info=str(tag).lower())
            stack.append(top)
        elif tag == "TableCell":
            if cell is not None and table_rows:
                table_rows[-1].append(_cell_text("".join(cell)))
            cell = None
        elif tag != "TableHead" and tag != "TableRow":
            fr = stack.pop()
            top = stack[-1]
            text = ""
            rows: Rows = ()
            if tag == "CodeBlock" or tag == "HtmlBlock" or tag == "MetadataBlock":
                text = "".join(fr.buf)
                if tag == "MetadataBlock" and fr.line == 1:
                    front = text
            elif tag == "BlockQuote":
                quote_depth -= 1
            elif tag == "Table":
                rows = tuple(tuple(r) for r in table_rows if r)
                table_rows = []
            end = rng["end"]
            last = line_of(starts, end - 1) if end > 0 else 1
            top.children.append(
                new_block(
                    Block,
                    (
                        fr.kind,
                        fr.line,
                        last if last > fr.line else fr.line,
                        text,
                        tuple(fr.children),
                        0,
                        fr.info,
                        fr.number,
                        fr.checked,
                        (),
                        rows,
                        "",
                        fr.quote_depth,
                        fr.tight,
                    ),
                )
            )
    # only a block quote can be a callout
    blocks = _callouts(root.children) if quotes else root.children
    if containers:
        blocks = _group(blocks, containers)
    return Document(blocks=blocks, lines=lines, containers=containers, front_matter=front)


_TAG_RE = re.compile(r"<(?!/?(?:u|ins)\b)[^>\n]*>", re.I)


def _cell_text(s: str) -> str:
    return re.sub(r"\s+", " ", _TAG_RE.sub(" ", s)).strip()


def _callouts(blocks: list[Block]) -> list[Block]:
    """``> [!question] 什么是X？`` (Obsidian callouts) -> a container with the quote's other blocks."""
    out: list[Block] = []
    for b in blocks:
        if b.kind is Kind.QUOTE and b.children and b.children[0].kind is Kind.PARAGRAPH:
            first = b.children[0]
            m = _CALLOUT_RE.match(first.first_line_text)
            if m:
                rest_text = first.text.split("\n", 1)[1] if "\n" in first.text else ""
                inner = list(b.children[1:])
                if rest_text.strip():
                    shift = len(first.text) - len(rest_text)
                    inner.insert(
                        0,
                        Block(
                            Kind.PARAGRAPH,
                            first.line + 1,
                            first.end,
                            text=rest_text,
                            marks=tuple(
                                Mark(k.kind, k.start - shift, k.end - shift)
                                for k in first.marks
                                if k.start >= shift
                            ),
                            quote_depth=first.quote_depth,
                        ),
                    )
                out.append(
                    Block(
                        Kind.CONTAINER,
                        b.line,
                        b.end,
                        children=tuple(_callouts(inner)),
                        info=m.group("type").lower(),
                        title=m.group("title").strip(),
                        quote_depth=b.quote_depth,
                    )
                )
                continue
        if b.children:
            children = _callouts(list(b.children))
            if any(c is not o for c, o in zip(children, b.children, strict=True)):
                b = _replace_children(b, children)
        out.append(b)
    return out


def _replace_children(b: Block, children: list[Block]) -> Block:
    return b._replace(children=tuple(children))


def _group(blocks: list[Block], containers: list[Container]) -> list[Block]:
    """Put the blocks that lie inside each container's line range into a CONTAINER block."""
    out: list[Block] = []
    i = 0
    done = 0  # last line already placed
    for c in (c for c in containers if c.depth == 0):
        if c.line <= done:
            continue  # inside a list item or quote handled below
        while (
            i < len(blocks)
            and blocks[i].line < c.line
            and not (blocks[i].children and blocks[i].end >= c.line)
        ):
            out.append(blocks[i])
            i += 1
        if i < len(blocks) and blocks[i].line < c.line:
            # a container inside a list item or quote: group within that block
            b = blocks[i]
            inner = [x for x in containers if b.line <= x.line and x.end <= b.end]
            out.append(_replace_children(b, _group(list(b.children), _rebase(inner))))
            done = b.end
            i += 1
            continue
        inside: list[Block] = []
        while i < len(blocks) and blocks[i].line <= c.end:
            inside.append(blocks[i])
            i += 1
        nested = [x for x in containers if x is not c and c.line < x.line and x.end <= c.end]
        children = _group(inside, _rebase(nested)) if nested else inside
        end = max([c.end, *(b.end for b in inside)])
        done = end
        out.append(
            Block(
                Kind.CONTAINER,
                c.line,
                end,
                children=tuple(children),
                info=c.type,
                title=c.title,
                level=1 if c.kind == "admonition" else 2,
                quote_depth=inside[0].quote_depth if inside else 0,
            )
        )
    out.extend(blocks[i:])
    return out


def _rebase(containers: list[Container]) -> list[Container]:
    """The given containers with the outermost of them at depth 0."""
    if not containers:
        return []
    low = min(c.depth for c in containers)
    return [Container(c.kind, c.type, c.title, c.line, c.end, c.depth - low) for c in containers]
