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
from typing import Any

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


@dataclass(frozen=True, slots=True)
class Mark:
    """An inline mark over ``text[start:end]``: strong, em, u (underline), code, link, del."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Block:
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
    rows: tuple[tuple[str, ...], ...] = ()  # table: cells as plain text, header row first
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


class _Inline:
    """Collects a heading's or paragraph's plain text and marks from inline events."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.marks: list[Mark] = []
        self.open: list[tuple[str, int]] = []
        self.image = 0
        self.pending_br = False

    def add(self, s: str) -> None:
        if self.pending_br:
            self.pending_br = False
            self._put("\n")
        if s:
            self.parts.append(s)
            self.size += len(s)

    def _put(self, s: str) -> None:
        self.parts.append(s)
        self.size += len(s)

    def newline(self) -> None:
        # a <br> at the end of a line is the line break itself: one "\n" per source line
        self.pending_br = False
        self._put("\n")

    def start(self, kind: str) -> None:
        self.open.append((kind, self.size))

    def end(self, kind: str) -> None:
        for j in range(len(self.open) - 1, -1, -1):
            if self.open[j][0] == kind:
                k, at = self.open.pop(j)
                if self.size > at:
                    self.marks.append(Mark(k, at, self.size))
                return

    def text(self) -> str:
        return "".join(self.parts)


def parse(text: str) -> Document:
    """Notes text (cleaned, ``\\n`` line ends) -> `Document`."""
    import pyromark

    lines = text.split("\n")
    lines, containers = unwrap(lines)
    source = "\n".join(lines)
    data = source.encode("utf-8")
    starts = [0]
    pos = data.find(b"\n")
    while pos >= 0:
        starts.append(pos + 1)
        pos = data.find(b"\n", pos + 1)

    def line_of(offset: int) -> int:
        return bisect.bisect_right(starts, offset)

    def last_line(end: int) -> int:
        # `end` is exclusive and usually just past a newline
        return max(1, line_of(max(0, end - 1)))

    root: list[Block] = []
    stack: list[dict[str, Any]] = [{"kind": None, "children": root}]
    inline: _Inline | None = None
    quote_depth = 0
    front: str | None = None

    def push(kind: Kind, rng: Any, **kw: Any) -> None:
        stack.append({"kind": kind, "line": line_of(rng["start"]), "children": [], **kw})

    def pop(rng: Any, **kw: Any) -> Block:
        fr = stack.pop()
        fr.update(kw)
        kind = fr.pop("kind")
        children = tuple(fr.pop("children"))
        line = fr.pop("line")
        b = Block(kind, line, max(line, last_line(rng["end"])), children=children, **fr)
        stack[-1]["children"].append(b)
        return b

    def open_tight_paragraph(rng: Any) -> None:
        # a tight list item's text comes without a paragraph around it
        nonlocal inline
        if inline is None and stack[-1]["kind"] is Kind.ITEM:
            push(Kind.PARAGRAPH, rng, quote_depth=quote_depth)
            stack[-1]["tight_para"] = True
            inline = _Inline()

    def close_tight_paragraph(rng: Any) -> None:
        nonlocal inline
        if inline is not None and stack[-1].get("tight_para"):
            fr = stack[-1]
            fr.pop("tight_para")
            end = {"start": 0, "end": fr.pop("last_end", rng["end"])}
            pop(end, text=inline.text().strip("\n"), marks=tuple(inline.marks))
            stack[-1]["tight"] = True
            inline = None

    table_rows: list[list[str]] = []
    cell: list[str] | None = None

    events: Any = pyromark.events_with_range(source, options=_options())
    for ev, rng in events:
        if isinstance(ev, str):
            if ev in ("SoftBreak", "HardBreak"):
                if inline is not None:
                    inline.newline()
                elif cell is not None:
                    cell.append(" ")
            elif ev == "Rule":
                close_tight_paragraph(rng)
                stack[-1]["children"].append(
                    Block(Kind.RULE, line_of(rng["start"]), last_line(rng["end"]), quote_depth=quote_depth)
                )
            continue
        for key in ev:
            val = ev[key]
        if key == "Text":
            top = stack[-1]
            if inline is not None and "tight_para" not in top:
                # the common case: text in a paragraph or heading
                if not inline.image:
                    inline.add(val)
            elif top["kind"] in _RAW_KINDS:
                top.setdefault("buf", []).append(val)
            elif cell is not None:
                cell.append(val)
            else:
                open_tight_paragraph(rng)
                if inline is not None and not inline.image:
                    inline.add(val)
                if inline is not None and stack[-1].get("tight_para"):
                    stack[-1]["last_end"] = rng["end"]
            continue
        if key in ("Code", "InlineMath", "DisplayMath"):
            s = f"`{val}`" if key == "Code" else (f"${val}$" if key == "InlineMath" else f"$${val}$$")
            if cell is not None:
                cell.append(s)
                continue
            open_tight_paragraph(rng)
            if inline is not None:
                at = inline.size
                inline.add(s)
                if key == "Code":
                    inline.marks.append(Mark("code", at, inline.size))
                if stack[-1].get("tight_para"):
                    stack[-1]["last_end"] = rng["end"]
            continue
        if key == "InlineHtml":
            tag = val.strip()
            if cell is not None:
                if _BR_RE.match(tag):
                    cell.append(" ")
                elif _U_OPEN_RE.match(tag) or _U_CLOSE_RE.match(tag):
                    cell.append(val)
                continue
            open_tight_paragraph(rng)
            if inline is None:
                continue
            if _BR_RE.match(tag):
                inline.pending_br = True
            elif _U_OPEN_RE.match(tag):
                inline.start("u")
            elif _U_CLOSE_RE.match(tag):
                inline.end("u")
            if stack[-1].get("tight_para"):
                stack[-1]["last_end"] = rng["end"]
            continue
        if key == "Html":
            if stack[-1]["kind"] is Kind.HTML:
                stack[-1].setdefault("buf", []).append(val)
            continue
        if key == "TaskListMarker":
            stack[-1]["checked"] = bool(val)
            continue
        if key == "FootnoteReference":
            continue
        if key == "Start":
            arg: Any
            tag, arg = next(iter(val.items())) if isinstance(val, dict) else (val, None)
            if tag in ("Emphasis", "Strong", "Strikethrough", "Link", "Image", "Superscript", "Subscript"):
                open_tight_paragraph(rng)
                if inline is not None:
                    if tag == "Image":
                        inline.image += 1
                    else:
                        inline.start(
                            {
                                "Emphasis": "em",
                                "Strong": "strong",
                                "Strikethrough": "del",
                                "Link": "link",
                            }.get(tag, tag.lower())
                        )
                continue
            close_tight_paragraph(rng)
            if tag == "Paragraph":
                push(Kind.PARAGRAPH, rng, quote_depth=quote_depth)
                inline = _Inline()
            elif tag == "Heading":
                push(Kind.HEADING, rng, level=int(str(arg["level"])[1:]), quote_depth=quote_depth)
                inline = _Inline()
            elif tag == "CodeBlock":
                lang = arg.get("Fenced", "") if isinstance(arg, dict) else ""
                push(Kind.CODE, rng, info=lang.strip(), quote_depth=quote_depth)
            elif tag == "HtmlBlock":
                push(Kind.HTML, rng, quote_depth=quote_depth)
            elif tag == "BlockQuote":
                push(Kind.QUOTE, rng, quote_depth=quote_depth)
                quote_depth += 1
            elif tag == "List":
                start = arg if isinstance(arg, int) else None  # None: a bullet list
                push(
                    Kind.LIST,
                    rng,
                    info="" if start is None else "ordered",
                    number=start,
                    quote_depth=quote_depth,
                )
                stack[-1]["next_number"] = start
            elif tag == "Item":
                parent = stack[-1]
                num = parent.get("next_number")
                if num is not None:
                    parent["next_number"] = num + 1
                push(Kind.ITEM, rng, number=num, quote_depth=quote_depth)
            elif tag == "Table":
                push(Kind.TABLE, rng, quote_depth=quote_depth)
                table_rows = []
            elif tag in ("TableHead", "TableRow"):
                table_rows.append([])
            elif tag == "TableCell":
                cell = []
            elif tag == "FootnoteDefinition":
                push(Kind.FOOTNOTE, rng, info=str(arg), quote_depth=quote_depth)
            elif tag == "MetadataBlock":
                push(Kind.META, rng, quote_depth=quote_depth)
            else:  # definition lists and other extensions we do not enable: keep as a container
                push(Kind.CONTAINER, rng, info=str(tag).lower(), quote_depth=quote_depth)
            continue
        if key == "End":
            tag = next(iter(val)) if isinstance(val, dict) else val
            if tag in ("Emphasis", "Strong", "Strikethrough", "Link", "Image", "Superscript", "Subscript"):
                if inline is not None:
                    if tag == "Image":
                        inline.image = max(0, inline.image - 1)
                    else:
                        inline.end(
                            {
                                "Emphasis": "em",
                                "Strong": "strong",
                                "Strikethrough": "del",
                                "Link": "link",
                            }.get(tag, tag.lower())
                        )
                continue
            if tag == "Item":
                close_tight_paragraph(rng)
                fr = stack[-1]
                fr.pop("next_number", None)
                pop(rng, checked=fr.pop("checked", None))
                continue
            close_tight_paragraph(rng)
            if tag in ("Paragraph", "Heading"):
                assert inline is not None
                pop(rng, text=inline.text().strip("\n"), marks=tuple(inline.marks))
                inline = None
            elif tag == "CodeBlock" or tag == "HtmlBlock":
                pop(rng, text="".join(stack[-1].pop("buf", [])))
            elif tag == "BlockQuote":
                quote_depth -= 1
                pop(rng)
            elif tag == "List":
                stack[-1].pop("next_number", None)
                pop(rng)
            elif tag == "Table":
                pop(rng, rows=tuple(tuple(r) for r in table_rows if r))
                table_rows = []
            elif tag == "TableCell":
                if cell is not None and table_rows:
                    table_rows[-1].append(_cell_text("".join(cell)))
                cell = None
            elif tag in ("TableHead", "TableRow"):
                pass
            elif tag == "MetadataBlock":
                b = pop(rng, text="".join(stack[-1].pop("buf", [])))
                if b.line == 1:
                    front = b.text
            else:
                pop(rng)
    blocks = _callouts(root)
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
            b = _replace_children(b, _callouts(list(b.children)))
        out.append(b)
    return out


def _replace_children(b: Block, children: list[Block]) -> Block:
    return Block(
        b.kind,
        b.line,
        b.end,
        text=b.text,
        children=tuple(children),
        level=b.level,
        info=b.info,
        number=b.number,
        checked=b.checked,
        marks=b.marks,
        rows=b.rows,
        title=b.title,
        quote_depth=b.quote_depth,
        tight=b.tight,
    )


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
