"""Markdown as written in notes -> plain item text, and a block view for reading facts.

Bank text keeps the notes' Markdown (bold terms, lists, tables, code, ``<u>`` blanks, links,
images). What a student reads in an item is plain text, rendered from the Markdown structure
by a real CommonMark parser (pyromark, i.e. pulldown-cmark, with GFM tables, task lists,
strikethrough, footnotes and math on), never by stripping characters after the fact:

    to_plain("1. **特征提取**：使用<u>卷积层</u>提取特征 #anki")  ->  "特征提取：使用卷积层提取特征"
    blocks(md)  ->  (Block(kind=LIST_ITEM, text=..., term="特征提取", depth=0, marker="1.", ...), ...)

Plain text means: no emphasis marks, no list markers, quote markers or heading marks, no HTML
tags (``<u>``, ``<br>``, ``<font>``, ``<a name>``, ``<details>``…: their text stays, ``<br>``
is a line break), links as their text, images, footnote references and in-page navigation
links (``[↑] 回到顶部``) dropped, struck-out text dropped (the author crossed it out), trailing
``#anki``-style tags dropped, entities decoded, emphasis delimiters the parser could not pair
(``*术语******``) dropped. Code is the
one thing that keeps its marks, because every reader of an item (terminal, papers, LMS
files) shows code as code: inline code keeps its backticks, a code block its fence. Math
keeps its ``$…$``.

`blocks` gives the same text per block (paragraph, heading, list item with its nesting,
marker and leading bold term, table row with its cells, code block), with the spans the
author emphasised (bold, italic, underlined): what `quizgen.generate.facts` reads facts from.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from html.parser import HTMLParser
from typing import Any

__all__ = ["Block", "BlockKind", "blocks", "plain_lines", "syntax_left", "to_plain"]


class BlockKind(StrEnum):
    PARAGRAPH = "paragraph"
    HEADING = "heading"
    LIST_ITEM = "list_item"
    TABLE_ROW = "table_row"
    CODE = "code"


@dataclass(frozen=True)
class Block:
    """One block of a Markdown text, its inline content rendered as plain text.

    - `depth`: list nesting of a LIST_ITEM (0 = top-level list), else the enclosing item's depth + 1
      for blocks inside an item, 0 outside lists.
    - `list_id` / `index`: the items of one list share `list_id` (>= 0); `index` is 1-based.
      `marker` is the marker as written (``1.``, ``2)``, ``-``, ``*``); `ordered` for numbered lists.
    - `parent`: the index (into the tuple `blocks` returns) of the list item this block sits
      in, or -1.
    - `quote`: blockquote depth (``> > text`` is 2).
    - `term`: the emphasised term a block starts with when a colon follows it
      (``**重置**：重置意味着…`` -> ``重置``); `body` is the text after that colon.
    - `emphasis`: the spans the author set off (bold, italic, underlined, marked), as plain text.
    - TABLE_ROW: `cells` (plain text), `header` for the head row, `table_id` shared by one table's rows.
    - HEADING: `level` 1-6. CODE: `lang` (the fence's info string) and `text` the code itself.
    - `checked`: a task list item's box (True/False), None otherwise.
    """

    kind: BlockKind
    text: str
    depth: int = 0
    list_id: int = -1
    index: int = 0
    marker: str = ""
    ordered: bool = False
    parent: int = -1
    quote: int = 0
    term: str | None = None
    emphasis: tuple[str, ...] = ()
    cells: tuple[str, ...] = ()
    header: bool = False
    table_id: int = -1
    level: int = 0
    lang: str = ""
    checked: bool | None = None

    @property
    def body(self) -> str:
        """The text after a leading ``term：`` (the whole text when there is no term)."""
        if self.term is None:
            return self.text
        rest = self.text[len(self.term) :] if self.text.startswith(self.term) else self.text
        return rest.lstrip().lstrip("：:").strip()


# ---------------------------------------------------------------------------- the parser


def _options() -> Any:
    import pyromark

    o = pyromark.Options
    return (
        o.ENABLE_TABLES
        | o.ENABLE_GFM
        | o.ENABLE_MATH
        | o.ENABLE_STRIKETHROUGH
        | o.ENABLE_TASKLISTS
        | o.ENABLE_FOOTNOTES
        | o.ENABLE_YAML_STYLE_METADATA_BLOCKS
    )


@functools.cache
def _parser() -> Any:
    import pyromark

    return pyromark.Markdown(options=_options())


# Emphasis delimiter runs the parser left unpaired (``*糖皮质激素******抗炎作用*******``): noise.
# A single ``_`` stays (snake_case), a single ``*`` unless it touches Chinese text (`_lone_star`).
_STRAY_DELIMS_RE = re.compile(r"\*{2,}|_{2,}(?![A-Za-z0-9])|(?<![A-Za-z0-9])_{2,}")
# ``问题？ #anki #生物`` : tags at the end of a line (Anki, Obsidian, Logseq). ``C#`` and ``#1`` stay.
_TRAILING_TAGS_RE = re.compile(
    r"(?:(?:^|[ \t\u3000]+)#[^\s#\d.,;:，。；：!?！？][^\s#]*)+[ \t\u3000]*$", re.M
)
# Characters and line starts that can make text more than plain text in CommonMark.
_SPECIAL_RE = re.compile(r"[*_`<>\[\]!#|~$&\\]|^\s*(?:[-+=]|\d+[.)])(?:\s|$)|^ {4}|\n")
# The text of an in-page link that is navigation, not content: [[↑] 回到顶部](#top), [返回目录](#toc).
_NAVIGATION_RE = re.compile(
    r"^\s*\[?\s*[↑⬆^]?\s*\]?\s*(?:回到|返回|跳到|back to)\s*(?:顶部|目录|top|contents)", re.I
)
_ATTR_LIST_RE = re.compile(r"^[ \t]*\{[:.#]?[^{}\n]*\}")
_MD_NUMBER_RE = re.compile(r"^\d{1,9}[.)](?:[ \t]|$)")
_SPACES_RE = re.compile(r"[ \t]{2,}")
# A soft line break joins two lines without a break unless the first ends a sentence or clause,
# or the second starts a numbered point (（2）…).
_LINE_END_RE = re.compile(r"[。！？；：!?;:）)」』”]\s*$")
_POINT_START_RE = re.compile(
    r"^\s*(?:[（(]\s*[0-9一二三四五六七八九十]+\s*[)）]|[①-⑳]|\d+\s*[、.．)]|[a-zA-Z][.)、])"
)
# HTML tags that start a new line of text; tags whose content is no text; emphasis tags.
_HTML_BREAK_TAGS = frozenset({"br", "p", "div", "li", "tr", "table", "details", "summary", "pre", "hr"}) | {
    *("figure", "figcaption", "blockquote", "ul", "ol", "section", "article", "center"),
    *(f"h{i}" for i in range(1, 7)),
}
_HTML_SKIP_TAGS = frozenset({"script", "style", "img", "svg", "video", "audio", "iframe", "object", "head"})
_HTML_EMPHASIS_TAGS = frozenset({"u", "b", "strong", "em", "i", "mark", "ins"})
_TAG_NAME_RE = re.compile(r"^<\s*(/?)\s*([A-Za-z][A-Za-z0-9-]*)")


class _HtmlText(HTMLParser):
    """The text of an HTML fragment: block tags become line breaks, images and scripts
    vanish, comments are dropped, entities are decoded; underlined/bold text is noted."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.emphasis: list[str] = []
        self._skip = 0
        self._emph: list[int] = []  # start offsets (in "".join(parts)) of open emphasis tags

    def _len(self) -> int:
        return sum(len(p) for p in self.parts)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HTML_SKIP_TAGS:
            if tag not in ("img",):
                self._skip += 1
            return
        if tag in _HTML_BREAK_TAGS:
            self.parts.append("\n")
        if tag in _HTML_EMPHASIS_TAGS:
            self._emph.append(self._len())

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HTML_BREAK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HTML_SKIP_TAGS:
            if tag != "img" and self._skip:
                self._skip -= 1
            return
        if tag in _HTML_EMPHASIS_TAGS and self._emph:
            start = self._emph.pop()
            span = "".join(self.parts)[start:].strip()
            if span:
                self.emphasis.append(span)
        if tag in _HTML_BREAK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _html_text(fragment: str) -> tuple[str, list[str]]:
    p = _HtmlText()
    p.feed(fragment)
    p.close()
    return "".join(p.parts), p.emphasis


@dataclass
class _Leaf:
    """Inline content being collected for one block (or one table cell)."""

    parts: list[str] = field(default_factory=list)
    emphasis: list[str] = field(default_factory=list)
    open_emph: list[int] = field(default_factory=list)  # offsets where an open emphasis started
    first_emph: tuple[int, int] | None = None  # (start, end) of an emphasis span at offset 0

    def text(self) -> str:
        return "".join(self.parts)

    def offset(self) -> int:
        return sum(len(p) for p in self.parts)

    def add(self, s: str) -> None:
        if s:
            self.parts.append(s)

    def open(self) -> None:
        self.open_emph.append(self.offset())

    def close(self) -> None:
        if not self.open_emph:
            return
        start = self.open_emph.pop()
        end = self.offset()
        span = _finish_text(self.text()[start:end]).strip()
        if span and "\n" not in span:
            self.emphasis.append(span)
            if not self.text()[:start].strip() and self.first_emph is None:
                self.first_emph = (start, end)

    def soft_break(self) -> None:
        self.parts.append("\x00")  # resolved in _finish_text once the next line is known


@dataclass
class _Item:
    block: int  # index of its LIST_ITEM block in the output
    depth: int
    paragraphs: list[_Leaf] = field(default_factory=list)


@dataclass
class _List:
    id: int
    ordered: bool
    next_index: int = 1


_LONE_STAR_RE = re.compile(r"(?<![*_])[*_](?![*_])")


def _is_cjk_char(ch: str) -> bool:
    return "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"


def _lone_star(m: re.Match[str]) -> str:
    """A single ``*`` or ``_`` beside Chinese text is an emphasis mark the author left unpaired
    (``稳态血浆浓度*/坪值``, ``噻嗪类。*利尿作用``, ``首选药__肾上腺素_，``), unless it is a
    multiplication in a formula (``10分*2``, ``AUC*100%``, ``AUC血管内*×100%``) or joins the
    words of a name (``eval_batch_step``)."""
    text, k, mark = m.string, m.start(), m.group()
    before, after = text[k - 1 : k], text[k + 1 : k + 2]
    if mark == "_":
        joins = (before.isascii() and before.isalnum()) and (after.isascii() and after.isalnum())
    else:
        joins = (before.isalnum() and after.isalnum()) or bool({before, after} & set("×÷="))
    return "" if not joins and (_is_cjk_char(before) or _is_cjk_char(after)) else mark


def _clean_inline(text: str) -> str:
    """Inline text without unpaired emphasis delimiters (code spans untouched)."""
    if "*" not in text and "_" not in text:
        return text
    out = []
    for i, piece in enumerate(re.split(r"(`+[^`]*`+)", text)):
        out.append(piece if i % 2 else _LONE_STAR_RE.sub(_lone_star, _STRAY_DELIMS_RE.sub("", piece)))
    return "".join(out)


def _resolve_breaks(text: str) -> str:
    """Soft breaks (\\x00) become a line break after a sentence or before a numbered point,
    else nothing between Chinese characters and a space between Latin words."""
    if "\x00" not in text:
        return text
    pieces = text.split("\x00")
    out = pieces[0]
    for nxt in pieces[1:]:
        left, right = out.rstrip(), nxt.lstrip()
        if not left or not right:
            out = left + right
        elif _MD_NUMBER_RE.match(right):
            # ``2. …`` starting a line would read as a list marker: keep it in the line
            out = left + " " + right
        elif _LINE_END_RE.search(left) or _POINT_START_RE.match(right):
            out = left + "\n" + right
        elif left[-1].isascii() and right[0].isascii():
            out = left + " " + right
        else:
            out = left + right
    return out


def _finish_text(raw: str) -> str:
    # tags end a source line: drop them before soft breaks join the lines
    lines_marked = _clean_inline(raw).replace("\x00", "\n\x00")
    text = _TRAILING_TAGS_RE.sub("", lines_marked).replace("\n\x00", "\x00")
    text = _resolve_breaks(text)
    lines = [_SPACES_RE.sub(" ", ln).strip() for ln in text.split("\n")]
    return "\n".join(ln for ln in lines if ln)


_LEAD_TERM_COLON_RE = re.compile(r"^\s*[：:]")


def _lead_term(leaf: _Leaf, raw: str, text: str) -> str | None:
    """``**重置**：…`` or ``**重置：**…`` -> 重置."""
    if leaf.first_emph is None:
        return None
    start, end = leaf.first_emph
    span = _finish_text(raw[start:end]).strip()
    after = raw[end:]
    colon_inside = span.endswith(("：", ":"))
    if not colon_inside and not _LEAD_TERM_COLON_RE.match(after):
        return None
    term = span.rstrip("：:").strip()
    if not term or not text.startswith(term) or "\n" in term:
        return None
    return term


class _Walker:
    """Turns pyromark events into Blocks."""

    def __init__(self, md: str) -> None:
        self.md = md
        self.src = md.encode("utf-8")
        self.out: list[dict[str, Any]] = []
        self.leaf: _Leaf | None = None
        self.leaf_kind: BlockKind | None = None
        self.leaf_level = 0
        self.items: list[_Item] = []
        self.lists: list[_List] = []
        self.list_ids = 0
        self.table_ids = 0
        self.quote = 0
        self.table: dict[str, Any] | None = None  # cells, header, id
        self.cell: _Leaf | None = None
        self.code: dict[str, Any] | None = None
        self.html: list[str] | None = None
        self.skip = 0  # inside an image, a footnote definition or metadata: text is not content
        self.links: list[tuple[_Leaf | None, int, bool]] = []  # open links: leaf, start, in-page anchor
        self.after_image = False
        self.strike = 0

    # -- helpers
    def _emit(self, kind: BlockKind, text: str, **kw: Any) -> int:
        d: dict[str, Any] = {"kind": kind, "text": text, "quote": self.quote}
        if self.items:
            d["parent"] = self.items[-1].block
            d["depth"] = self.items[-1].depth + 1
        d.update(kw)
        self.out.append(d)
        return len(self.out) - 1

    def _target(self) -> _Leaf | None:
        if self.skip:
            return None
        if self.cell is not None:
            return self.cell
        return self.leaf

    def _text(self, s: str) -> None:
        t = self._target()
        if t is not None and not self.strike:
            t.add(s)

    def _start_leaf(self, kind: BlockKind, level: int = 0) -> None:
        self.leaf = _Leaf()
        self.leaf_kind = kind
        self.leaf_level = level

    def _end_leaf(self) -> None:
        leaf, kind = self.leaf, self.leaf_kind
        self.leaf, self.leaf_kind = None, None
        if leaf is None or kind is None:
            return
        raw = leaf.text()
        text = _finish_text(raw)
        item = self.items[-1] if self.items else None
        # a paragraph of a list item is the item's text; later blocks of the item are its children
        if kind is BlockKind.PARAGRAPH and item is not None and self._item_open_for_text(item):
            item.paragraphs.append(leaf)
            d = self.out[item.block]
            d["text"] = "\n".join(p for p in (d["text"], text) if p)
            if len(item.paragraphs) == 1:
                d["term"] = _lead_term(leaf, raw, text)
            d["emphasis"] = d.get("emphasis", ()) + tuple(leaf.emphasis)
            return
        if not text:
            return
        self._emit(
            kind,
            text,
            level=self.leaf_level,
            term=_lead_term(leaf, raw, text),
            emphasis=tuple(leaf.emphasis),
        )

    def _item_open_for_text(self, item: _Item) -> bool:
        """Text belongs to the innermost item until a child block (nested list, code) follows."""
        return all(d.get("parent") != item.block for d in self.out[item.block + 1 :])

    def _marker(self, start: int) -> str:
        m = re.match(rb"\s*([-*+]|\d{1,9}[.)])", self.src[start : start + 16])
        return m.group(1).decode() if m else ""

    # -- events
    def run(self) -> list[dict[str, Any]]:
        for ev, rng in _parser().events_with_range(self.md):
            if isinstance(ev, str):
                self._bare(ev)
            elif "Start" in ev:
                self._start(ev["Start"], rng)
            elif "End" in ev:
                self._end(ev["End"])
            else:
                self._inline(ev)
        return self.out

    def _bare(self, ev: str) -> None:
        t = self._target()
        if ev == "SoftBreak":
            if t is not None:
                t.soft_break()
        elif ev == "HardBreak":
            self._text("\n")

    def _start(self, tag: Any, rng: Any) -> None:
        block_level = tag in ("Paragraph", "Item", "HtmlBlock") or (
            isinstance(tag, dict) and not ({"Link", "Image"} & tag.keys())
        )
        if block_level and self.leaf is not None and self.items:
            self._end_leaf()  # a tight item's text ends where its first child block starts
        elif not block_level:
            self._ensure_item_leaf()
        if tag == "Paragraph":
            if self.cell is None:
                self._start_leaf(BlockKind.PARAGRAPH)
        elif tag in ("Emphasis", "Strong"):
            t = self._target()
            if t is not None:
                t.open()
        elif tag == "Strikethrough":
            self.strike += 1
        elif tag == "Item":
            lst = self.lists[-1] if self.lists else _List(-1, False)
            depth = len(self.items)
            idx = self._emit(
                BlockKind.LIST_ITEM,
                "",
                depth=depth,
                list_id=lst.id,
                index=lst.next_index,
                marker=self._marker(rng["start"]),
                ordered=lst.ordered,
            )
            self.out[idx]["parent"] = self.items[-1].block if self.items else -1
            lst.next_index += 1
            self.items.append(_Item(block=idx, depth=depth))
        elif tag == "HtmlBlock":
            self.html = []
        elif tag == "TableHead":
            self.table = {"cells": [], "header": True}
        elif tag == "TableRow":
            self.table = {"cells": [], "header": False}
        elif tag == "TableCell":
            self.cell = _Leaf()
        elif isinstance(tag, dict):
            self._start_dict(tag, rng)

    def _start_dict(self, tag: dict[str, Any], rng: Any) -> None:
        if "Heading" in tag:
            self._start_leaf(BlockKind.HEADING, int(tag["Heading"]["level"][1]))
        elif "List" in tag:
            start = tag["List"]
            self.lists.append(_List(self.list_ids, start is not None, 1 if start is None else start))
            self.list_ids += 1
        elif "BlockQuote" in tag:
            self.quote += 1
        elif "CodeBlock" in tag:
            kind = tag["CodeBlock"]
            lang = kind["Fenced"].strip() if isinstance(kind, dict) else ""
            self.code = {"lang": lang, "parts": []}
        elif "Table" in tag:
            self.table_ids += 1
        elif "Image" in tag or "FootnoteDefinition" in tag or "MetadataBlock" in tag:
            self.skip += 1
        elif "Link" in tag:
            # a link's text is content, unless it only jumps within the page ([↑] 回到顶部)
            t = self._target()
            anchor = str(tag["Link"].get("dest_url", "")).startswith("#")
            self.links.append((t, len(t.parts) if t is not None else 0, anchor))

    def _end(self, tag: Any) -> None:
        if tag in ("Paragraph",):
            if self.cell is None:
                self._end_leaf()
        elif tag in ("Emphasis", "Strong"):
            t = self._target()
            if t is not None:
                t.close()
        elif tag == "Strikethrough":
            self.strike -= 1
        elif tag == "Item":
            if self.leaf is not None:  # a tight item's text comes without a paragraph
                self._end_leaf()
            self.items.pop()
        elif tag == "CodeBlock":
            code = self.code or {"lang": "", "parts": []}
            self.code = None
            text = "".join(code["parts"]).rstrip("\n")
            if text.strip():
                self._emit(BlockKind.CODE, text, lang=code["lang"])
        elif tag == "HtmlBlock":
            self._html_block()
        elif tag == "TableCell":
            cell = self.cell
            self.cell = None
            if self.table is not None and cell is not None:
                self.table["cells"].append(_finish_text(cell.text()).replace("\n", " "))
                self.table.setdefault("emphasis", []).extend(cell.emphasis)
        elif tag in ("TableHead", "TableRow"):
            row = self.table
            self.table = None
            if row is not None and any(c for c in row["cells"]):
                self._emit(
                    BlockKind.TABLE_ROW,
                    " | ".join(row["cells"]).strip(" |"),
                    cells=tuple(row["cells"]),
                    header=row["header"],
                    table_id=self.table_ids - 1,
                    emphasis=tuple(row.get("emphasis", ())),
                )
        elif isinstance(tag, dict):
            self._end_dict(tag)
        elif tag == "Link":
            self._end_link()
        elif tag in ("Image", "FootnoteDefinition"):
            self.skip -= 1
            self.after_image = tag == "Image"

    def _end_link(self) -> None:
        if not self.links:
            return
        leaf, start, anchor = self.links.pop()
        if leaf is not None and anchor and _NAVIGATION_RE.match("".join(leaf.parts[start:])):
            del leaf.parts[start:]

    def _end_dict(self, tag: dict[str, Any]) -> None:
        if "Heading" in tag:
            self._end_leaf()
        elif "List" in tag:
            if self.lists:
                self.lists.pop()
        elif "BlockQuote" in tag:
            self.quote -= 1
        elif "MetadataBlock" in tag:
            self.skip -= 1

    def _inline(self, ev: dict[str, Any]) -> None:
        if "Text" in ev:
            if self.after_image:
                # an attribute list right after an image (MkDocs, kramdown): ``{ width="300" }``
                ev = {"Text": _ATTR_LIST_RE.sub("", ev["Text"], count=1)}
            self.after_image = False
            if self.code is not None:
                self.code["parts"].append(ev["Text"])
            elif self.items and self.leaf is None and self.cell is None and not self.skip:
                # a tight list item: its text comes straight in the Item
                self._start_leaf(BlockKind.PARAGRAPH)
                self._text(ev["Text"])
            else:
                self._text(ev["Text"])
        elif "Code" in ev:
            self._ensure_item_leaf()
            code = ev["Code"]
            fence = "``" if "`" in code else "`"
            pad = " " if code.startswith("`") or code.endswith("`") else ""
            self._text(f"{fence}{pad}{code}{pad}{fence}")
        elif "InlineMath" in ev:
            self._ensure_item_leaf()
            self._text(f"${ev['InlineMath']}$")
        elif "DisplayMath" in ev:
            self._ensure_item_leaf()
            self._text(f"$${ev['DisplayMath']}$$")
        elif "Html" in ev:
            if self.html is not None:
                self.html.append(ev["Html"])
        elif "InlineHtml" in ev:
            self._ensure_item_leaf()
            self._inline_html(ev["InlineHtml"])
        elif "TaskListMarker" in ev and self.items:
            self.out[self.items[-1].block]["checked"] = bool(ev["TaskListMarker"])
        # FootnoteReference: dropped

    def _ensure_item_leaf(self) -> None:
        if self.items and self.leaf is None and self.cell is None and not self.skip:
            self._start_leaf(BlockKind.PARAGRAPH)

    def _inline_html(self, html: str) -> None:
        m = _TAG_NAME_RE.match(html)
        t = self._target()
        if m is None or t is None:
            return  # a comment, a declaration: nothing to read
        closing, name = m.group(1) == "/", m.group(2).lower()
        if name == "br":
            t.add("\n")
        elif name in _HTML_EMPHASIS_TAGS:
            if closing:
                t.close()
            else:
                t.open()
        # any other tag (img, font, a, span…) is dropped, its text kept

    def _html_block(self) -> None:
        chunks = self.html or []
        self.html = None
        text, emphasis = _html_text("".join(chunks))
        for line in text.split("\n"):
            # Markdown inside HTML (``<figure markdown>``, ``<details>`` bodies) is read as Markdown
            line = to_plain(line.strip())
            if line:
                self._emit(BlockKind.PARAGRAPH, line, emphasis=tuple(e for e in emphasis if e in line))


@functools.lru_cache(maxsize=16384)
def blocks(md: str) -> tuple[Block, ...]:
    """The blocks of a Markdown text, in document order (see `Block`). Empty blocks (an image
    alone, a rule, an empty item) are left out, except list items, whose children refer to them."""
    if not md.strip():
        return ()
    if not _SPECIAL_RE.search(md):
        return (Block(kind=BlockKind.PARAGRAPH, text=md.strip()),)
    raw = _Walker(md).run()
    return tuple(Block(**d) for d in raw)


def plain_lines(md: str) -> Iterator[tuple[Block, str]]:
    """Each block with its line(s) of plain text: list items indented two spaces per level, table
    rows as cells joined by `` | ``, code blocks fenced."""
    for b in blocks(md):
        if b.kind is BlockKind.CODE:
            fence = "```"
            while fence in b.text:
                fence += "`"
            yield b, f"{fence}{b.lang}\n{b.text}\n{fence}"
        elif b.kind is BlockKind.LIST_ITEM:
            if b.text:
                pad = "  " * b.depth
                yield b, "\n".join(pad + line for line in b.text.split("\n"))
        else:
            yield b, b.text


@functools.lru_cache(maxsize=65536)
def to_plain(md: str) -> str:
    """Markdown -> plain text for an item (see the module docstring); one line per block."""
    if not md.strip():
        return ""
    if not _SPECIAL_RE.search(md):
        return md.strip()
    return "\n".join(line for _, line in plain_lines(md))


# ---------------------------------------------------------------------------- checking

_CODE_RE = re.compile(r"^(`{3,}|~{3,}).*?^\1[ \t]*$|(`+)(?!`).*?(?<!`)\2(?!`)", re.S | re.M)
_LEFT_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("emphasis marks", re.compile(r"\*\*|(?<![\w])__|__(?![\w])")),
    ("a list marker", re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+\S", re.M)),
    ("a quote marker", re.compile(r"^[ \t]*>", re.M)),
    ("a heading mark", re.compile(r"^[ \t]*#{1,6}[ \t]+\S", re.M)),
    ("a link or image", re.compile(r"!?\[[^\]\n]*\]\([^)\n]*\)")),
    (
        "an HTML tag",
        re.compile(
            r"</?(?:u|br|font|a|img|div|span|p|b|i|s|strong|em|sup|sub|details|summary|figure|figcaption"
            r"|center|mark|del|ins|table|tr|td|th|ul|ol|li|h[1-6]|hr|small|big)\b[^>\n]*>|<!--",
            re.I,
        ),
    ),
    ("an HTML entity", re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{1,7}|#x[0-9a-fA-F]{1,6});")),
    ("a tag", _TRAILING_TAGS_RE),
)


def syntax_left(text: str) -> tuple[str, ...]:
    """What Markdown or HTML syntax `text` (meant to be plain) still holds, by name; empty when
    it is plain. Code spans and fenced code are not looked at: code keeps its marks."""
    prose = _CODE_RE.sub(" ", text)
    return tuple(name for name, rx in _LEFT_RULES if rx.search(prose))
