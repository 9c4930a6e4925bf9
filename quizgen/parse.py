"""Chinese Q&A notes -> question bank. Pure: text in, bank out; never prints.

Pipeline: bytes are decoded (`decode`), the text is cleaned and cut into lines
(`split_lines`: BOM, CRLF, control characters, code fences), the layout is detected and
the layout's splitter turns the lines into questions; then ids, near-duplicates and
warnings are added (`parse_text`).

Code fences are recognised first, so nothing inside them (a ``#`` comment, a ``1.``
line, a ``**x:**``) is ever read as structure. An unclosed fence is closed before the
next heading, with a warning, rather than swallowing the rest of the file.

Layouts (detected; forced with ``layout=``):

- ``choice``: ``###### 1. 输出是什么？``, optional code block, options ``- A: …``, then
  ``答案：D`` (as a heading, bold or plain, often inside ``<details>``) and an explanation.
  Options become a section of kind ``options`` (term = letter), the answer is the letter(s)
  (``D``, ``A, C``) and the explanation a ``解析`` section.
- ``faq``: ``#### Q1.1.1：问题`` headings with ``**A**：`` / ``A:`` / ``答：`` answers.
- ``labelled``: headings ``### 1. 标题`` (or any heading that is the question) with
  ``**题目：**``, ``**答案：**``, ``**解析：**``, … blocks; unknown labels are kept.
- ``qa``: ``Q:`` / ``A:`` (or ``问：`` / ``答：``, ``**问题：**`` / ``**答案：**``) lines, no
  question headings.
- ``heading-paragraph``: ``### 1、问题？`` headings each followed by a paragraph answer.

Detection scores each layout 0-1 (`detect_layout`) and takes the best; ties go to the
earlier layout above. Question headings that carry their own labels (``### 1. 标题`` over
``**答案：**``, or with ``**题目：**`` right under them) count against ``qa``, so a few
stray ``Q:``/``A:`` pairs cannot turn a labelled file into a qa one (the ``**题目：**``
labels would become the questions). When another layout scores within `CLOSE_MARGIN` and
would read other questions (or other questions without an answer), a warning names the
chosen layout and ``--layout``.

Every layout reports a question without an answer as a warning (``file:line``), keeps it
and flags it ``no_answer``; an answer found without its marker is kept, flagged
``answer_unmarked`` and reported. A body never runs past the next question heading or
question marker, so an answer cannot swallow the next question.

Nothing is dropped silently: text that is part of no question (a preamble, an
introduction under a group heading, an appendix) is reported once per stretch as
``file:START-END: text before the first question is not part of any question (N lines)``
(or ``between questions`` / ``after the last question``). Headings, layout HTML (anchors,
``<details>``), rules and table-of-contents link lines are not counted as text. Such text
is not kept in the bank (the schema has no place for it).

Near-duplicates (`mark_duplicates`): a question is a near-duplicate of the first earlier
non-duplicate whose normalised title+answer has ``rapidfuzz.fuzz.ratio >= 75`` (0-100), or
whose normalised answer alone has ratio ``>= 90`` when both answers have 30+ characters.
Measured on the bundled seed: the repeat pairs score 83-100 on title+answer, the closest
distinct pair (卷积操作 / 池化操作) 63, so 75 sits in the gap. A choice question must
also have the same options and answer letters, and its stem (code) counts: two snippets
that differ by one character are different questions. Candidates come from an index of
the text's clauses (blocking), so the pass scales linearly; ``exhaustive=True`` compares
all pairs (the reference the tests check the index against).
"""

from __future__ import annotations

import bisect
import codecs
import contextlib
import functools
import gc
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

from quizgen.bank import (
    NOTES_SUFFIXES,
    Bank,
    ListItem,
    Question,
    Section,
    SectionKind,
    Source,
    detect_kind,
    kind_for_label,
    question_id,
)
from quizgen.errors import InputError, ParseError, UsageError
from quizgen.text import normalize

DUPLICATE_THRESHOLD = 75.0
# Auto-detection warns when the runner-up layout scores within this of the chosen one (0-1)
# and would read other questions.
CLOSE_MARGIN = 0.1
ANSWER_DUPLICATE_THRESHOLD = 90.0
DUPLICATE_MIN_ANSWER = 30
# Blocking for the near-duplicate pass (see mark_duplicates): a clause found in more earlier
# questions than this is too common to find candidates with, and a candidate must share
# this fraction of the smaller clause set (the seed's repeats share 70-100 %).
_BLOCK_MAX_POSTINGS = 64
_BLOCK_MIN_SHARED = 0.25

FLAG_NO_ANSWER = "no_answer"
FLAG_ANSWER_UNMARKED = "answer_unmarked"


@dataclass(frozen=True)
class Warning_:
    """A problem worth telling the user about that did not stop the parse."""

    where: str  # file:line
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


ParseWarning = Warning_


@dataclass
class ParseResult:
    bank: Bank
    warnings: list[Warning_] = field(default_factory=list)
    layout: str = ""


# ---------------------------------------------------------------------------- decoding

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: FF FE 00 00 starts with FF FE
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes, *, encoding: str | None = None, where: str = "<input>") -> str:
    """Bytes -> text: UTF-8 (BOM or not), UTF-16/32 with BOM, else GB18030 (which covers GBK
    and GB2312) when the result reads as text; or the forced `encoding`. Undecodable input
    raises `InputError` naming the byte offset; an unknown encoding name a `UsageError`."""
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise UsageError(
                f"unknown encoding {encoding!r}", hint="use e.g. utf-8, utf-16, gb18030, gbk, big5"
            ) from None
        return _strict(data, encoding, where, hint="check the file's encoding; --encoding forces it")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return _strict(
                data, enc, where, hint="the file starts with a byte-order mark but is damaged; re-save it"
            )
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(
            f"NUL byte at byte offset {nul}: a binary file, or UTF-16 without a byte-order mark",
            where=where,
            hint="give a text file; for UTF-16 without BOM pass --encoding utf-16-le (or utf-16-be)",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as utf8_err:
        bad = utf8_err.start
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as gb_err:
            raise InputError(
                f"cannot decode: invalid UTF-8 (byte 0x{data[bad]:02x} at byte offset {bad}, line "
                f"{_line_at(data, bad)}) and invalid GB18030 (byte offset {gb_err.start})",
                where=where,
                hint="convert the file to UTF-8, or pass its encoding with --encoding",
            ) from None
        if _looks_like_text(text):
            return text
        raise InputError(
            f"cannot decode: invalid UTF-8 (byte 0x{data[bad]:02x} at byte offset {bad}, line "
            f"{_line_at(data, bad)}), and as GB18030 it is not readable text",
            where=where,
            hint="convert the file to UTF-8, or pass its encoding with --encoding",
        ) from None


def _strict(data: bytes, enc: str, where: str, hint: str) -> str:
    try:
        return data.decode(enc)
    except UnicodeDecodeError as e:
        name = codecs.lookup(enc).name
        line = "" if name.startswith(("utf-16", "utf-32")) else f", line {_line_at(data, e.start)}"
        raise InputError(
            f"cannot decode as {name}: invalid byte 0x{data[e.start]:02x} at byte offset {e.start}{line}",
            where=where,
            hint=hint,
        ) from None


def _line_at(data: bytes, offset: int) -> int:
    """1-based line of a byte offset in an ASCII-compatible encoding (UTF-8, GB18030)."""
    return data.count(b"\n", 0, offset) + 1


def _looks_like_text(text: str) -> bool:
    """GB18030 decodes most byte soups; real Chinese text has few control, private-use or
    rare-plane characters."""
    if not text:
        return True
    bad = sum(
        1
        for ch in text
        if (ord(ch) < 32 and ch not in "\n\r\t")
        or 0xE000 <= ord(ch) <= 0xF8FF
        or 0x80 <= ord(ch) <= 0x9F
        or ord(ch) > 0xFFFF
    )
    return bad / len(text) < 0.01


# ---------------------------------------------------------------------------- lines


class Line(NamedTuple):
    no: int  # 1-based line number in the file
    text: str
    code: bool  # inside (or delimiting) a fenced code block


# C0/C1 controls except tab and newline; lone surrogates (only from str input).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]")
_FENCE_RE = re.compile(r"^[ \t]*(`{3,}|~{3,})(.*)$")
# Where an unclosed fence is cut: a `## ` heading (a `# comment` in code is too common).
_SECTION_HEADING_RE = re.compile(r"^ {0,3}#{2,6}[ \t]+\S")


def clean_text(text: str) -> tuple[str, list[tuple[int, str]]]:
    """BOM, CRLF/CR and Unicode line separators -> ``\\n``; control characters removed.
    Returns the text and (line, message) notes for what was removed."""
    text = text.lstrip("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    for sep in ("\x85", "\u2028", "\u2029"):
        if sep in text:
            text = text.replace(sep, "\n")
    notes: list[tuple[int, str]] = []
    if _CONTROL_RE.search(text):
        found: dict[int, list[str]] = {}
        for m in _CONTROL_RE.finditer(text):
            ln = text.count("\n", 0, m.start()) + 1
            found.setdefault(ln, []).append(f"U+{ord(m.group()):04X}")
            if len(found) > 50:
                break
        text = _CONTROL_RE.sub("", text)
        for ln, chars in found.items():
            notes.append(
                (
                    ln,
                    f"removed control character{'s' if len(chars) > 1 else ''} "
                    + ", ".join(sorted(set(chars))),
                )
            )
    return text, notes


def split_lines(text: str) -> list[Line]:
    """Cleaned text -> lines, each marked as code (inside a fence) or not."""
    lines, _ = _split_lines(text)
    return lines


def _split_lines(text: str) -> tuple[list[Line], list[tuple[int, str]]]:
    text, notes = clean_text(text)
    raw = [t.rstrip() for t in text.split("\n")]
    code = _fence_mask(raw, notes)
    new = tuple.__new__  # Line(...) per line is the slow part for 10 MB files
    return [new(Line, x) for x in zip(range(1, len(raw) + 1), raw, code, strict=True)], notes


def _fence_mask(raw: list[str], notes: list[tuple[int, str]]) -> list[bool]:
    code = [False] * len(raw)
    i = 0
    n = len(raw)
    while i < n:
        t = raw[i]
        if "`" not in t and "~" not in t:
            i += 1
            continue
        m = _FENCE_RE.match(t)
        # A backtick fence's info string cannot hold a backtick (```x``` is inline code).
        if not m or (m.group(1)[0] == "`" and "`" in m.group(2)):
            i += 1
            continue
        ch, size = m.group(1)[0], len(m.group(1))
        j = i + 1
        while j < n:
            c = _FENCE_RE.match(raw[j]) if ch in raw[j] else None
            if c and c.group(1)[0] == ch and len(c.group(1)) >= size and not c.group(2).strip():
                break
            j += 1
        if j < n:
            for k in range(i, j + 1):
                code[k] = True
            i = j + 1
            continue
        # Never closed: close it before the next heading instead of eating the rest.
        stop = next((k for k in range(i + 1, n) if _SECTION_HEADING_RE.match(raw[k])), n)
        for k in range(i, stop):
            code[k] = True
        where = (
            f"closed it before the heading on line {stop + 1}"
            if stop < n
            else "it runs to the end of the file"
        )
        notes.append((i + 1, f"code fence opened here is never closed; {where}"))
        i = stop
    return code


# ---------------------------------------------------------------------------- patterns

_COLON = "[:：]"
# CommonMark headings (up to 3 spaces of indent); also the common `###1. 标题` without space.
_HEADING_RE = re.compile(
    r"^ {0,3}(?:(?P<h1>#{1,6})(?:[ \t]+(?P<t1>.*?))?"
    r"|(?P<h2>#{2,6})(?P<t2>[0-9Q问第（(【\u4e00-\u9fff].*?))[ \t]*$"
)
_CLOSING_HASHES_RE = re.compile(r"[ \t]+#+$")
_ANCHOR_RE = re.compile(r"<a\s+(?:name|id)\s*=\s*[^>]*>\s*(?:</a>)?", re.I)
# Layout-only HTML (<details>, <summary>答案</summary>, <p>, anchors): dropped from text.
_STRUCT_HTML_RE = re.compile(
    r"<summary\b[^>]*>.*?</summary>|<!--.*?-->|</?(?:details|summary|p|div|br|hr|b|i|center|span|a)\b[^>]*>",
    re.I,
)
_RULE_RE = re.compile(r"^\s{0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$")
# "1. 标题", "1、标题", "1 标题", "第1题 标题", "Q1.1.1：标题", "(1) 标题"
_NUMBERED_TITLE_RE = re.compile(
    r"^(?:第\s*(?P<n1>\d{1,4})\s*[题道]?\s*[.．、:：]?\s*"
    r"|(?P<n2>[QqＱ]\s*\d{1,4}(?:[.．]\d{1,4})*)\s*[.．、:：)）]?\s*"
    r"|(?P<n3>\d{1,4}(?:[.．]\d{1,4})*)(?:\s*[.．、)）:：]\s*|\s+)"
    r"|[(（](?P<n4>\d{1,4})[)）]\s*)"
    r"(?P<rest>\S.*)$"
)
_FAQ_TITLE_RE = re.compile(r"^[QqＱ]\s*\d{1,4}(?:[.．]\d{1,4})*\s*[.．、:：)）]?\s*\S")
_GROUP_TITLE_RE = re.compile(r"^(?:第\s*)?[一二三四五六七八九十百零〇]+\s*(?:[、.．:：]|部分|章|节|篇|\s)\s*")
_QUESTION_WORD_RE = re.compile(
    r"[?？]|什么|为什么|为何|如何|怎么|怎样|哪些|哪个|哪种|是否|吗|呢|简述|解释|说明|比较|区别|介绍"
)
# **标签：** rest   |  **标签**：rest   | ** 标签 : ** rest
_LABEL_RE = re.compile(
    r"^\s{0,3}\*\*\s*(?P<a>[^*\n:：]{1,16}?)\s*(?:"
    + _COLON
    + r"\s*\*\*|\*\*\s*"
    + _COLON
    + r")\s*(?P<rest>.*)$"
)
# A plain answer marker (faq, qa): "A: …", "A：…", "答：…"
_PLAIN_ANSWER_RE = re.compile(r"^\s{0,3}(?:A|Ａ|答|Answer)\s*" + _COLON + r"\s*(?P<rest>.*)$")
_LIST_RE = re.compile(
    r"^(?P<indent>[ \t]*)(?:(?P<num>\d{1,3})[.．、)）](?!\d)|[(（](?P<pnum>\d{1,3})[)）]"
    r"|(?P<circ>[①-⑳])|(?P<bullet>[-*+•]))"
    r"[ \t]*(?P<rest>.*)$"
)
# QA layout markers: "Q:", "Q1：", "问：", "**问题：**", "题目：" / "A:", "答：", "**答案：**"
_QA_Q_RE = re.compile(
    r"^\s{0,3}(?:\d{1,4}\s*[.．、]\s*)?(?:\*\*\s*)?(?P<m>[QＱ]\s*\d{0,4}|问题?\s*\d{0,4}|题目|Question)\s*"
    r"(?:" + _COLON + r"\s*(?:\*\*)?|\*\*\s*" + _COLON + r")\s*(?P<rest>.*)$"
)
_QA_A_RE = re.compile(
    r"^\s{0,3}(?:\*\*\s*)?(?P<m>[AＡ]\s*\d{0,4}|答案?|回答|解答|参考答案|Answer)\s*"
    r"(?:" + _COLON + r"\s*(?:\*\*)?|\*\*\s*" + _COLON + r")\s*(?P<rest>.*)$"
)
# choice: options "- A: …", "A. …", "(B) …" and the answer "#### 答案：D", "**答案：** A、C"
_OPTION_RE = re.compile(
    r"^\s{0,3}(?:[-*+]\s+)?(?:\*\*)?[(（]?(?P<letter>[A-H])[)）]?(?:\*\*)?(?:\s*[:：.．、]\s*|[)）]\s*)(?P<text>\S.*)$"
)
_CHOICE_ANSWER_RE = re.compile(
    r"^\s{0,3}(?:#{1,6}\s*)?(?:\*\*\s*)?(?:正确|参考)?(?:答案|Answer)\s*(?:\*\*)?\s*"
    + _COLON
    + r"\s*(?:\*\*)?\s*"
    r"(?P<letters>[A-H](?:\s*[,，、/和]?\s*[A-H])*)(?![A-Za-z])\s*(?:\*\*)?\s*[.。:：,，]?\s*(?P<rest>.*)$"
)
_ANSWER_HEADING_RE = re.compile(r"^(?:\*\*)?\s*(?:正确|参考)?(?:答案|解析|解释|Answer|Explanation)\b", re.I)

PROMPT_LABELS = {"题目", "问题", "题干", "问", "题", "Q", "Question"}
ANSWER_LABELS = {"答案", "参考答案", "标准答案", "回答", "答", "解答", "A", "Answer", "答复"}


class Heading(NamedTuple):
    at: int  # index into the lines
    level: int
    title: str  # without anchors, surrounding bold and closing hashes
    number: str | None  # "1" of "1. 标题", "Q1.1.1" of "Q1.1.1：标题"
    text: str  # the title without its number


def _heading(ln: Line) -> tuple[int, str] | None:
    if ln.code or "#" not in ln.text[:4]:
        return None
    m = _HEADING_RE.match(ln.text)
    if not m:
        return None
    hashes, title = (m.group("h1"), m.group("t1")) if m.group("h1") else (m.group("h2"), m.group("t2"))
    title = _CLOSING_HASHES_RE.sub("", title or "").strip()
    if title.strip("#") == "":
        title = ""
    if "<" in title:
        title = _ANCHOR_RE.sub("", title).strip()
    if title.startswith("**") and title.endswith("**") and len(title) > 4 and "**" not in title[2:-2]:
        title = title[2:-2].strip()
    return len(hashes), title


def _number_of(title: str) -> tuple[str | None, str]:
    """("1", "标题") from "1. 标题"; (None, title) when it is not numbered."""
    m = _NUMBERED_TITLE_RE.match(title)
    if not m:
        return None, title
    num = m.group("n1") or m.group("n2") or m.group("n3") or m.group("n4")
    return re.sub(r"\s+", "", num).replace("．", "."), m.group("rest").strip()


def _is_group_title(title: str) -> bool:
    return bool(_GROUP_TITLE_RE.match(title))


def _group_name(title: str) -> str:
    return _GROUP_TITLE_RE.sub("", title).strip() or title


def _is_html_only(text: str) -> bool:
    return "<" in text and not _STRUCT_HTML_RE.sub("", text).strip()


# ---------------------------------------------------------------------------- the document


# First characters of the lines Doc looks at (headings, labels, markers, options).
_INTERESTING_FIRST = frozenset("#*AＡ答-+BCDEFGH(（QＱ问题正参回解0123456789")


class Doc:
    """The lines of one file and what every layout needs to know about them."""

    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self.headings: list[Heading] = []
        self.labels: list[int] = []  # any bold label line (**解析：**)
        self.answer_labels: list[int] = []  # bold 答案/A labels (labelled, faq)
        self.prompt_labels: list[int] = []  # bold 题目 labels
        self.plain_answers: list[int] = []  # "A:" / "答：" lines
        self.options: list[int] = []  # choice options
        self.choice_answers: list[int] = []  # "答案：D"
        self.qa_q: list[int] = []
        self.qa_a: list[int] = []
        interesting = _INTERESTING_FIRST
        for i, ln in enumerate(lines):
            t = ln.text
            if not t or ln.code:
                continue
            c = t[0]
            if c == " " or c == "\t":
                s = t.lstrip()
                if not s:
                    continue
                c = s[0]
            else:
                s = t
            if c not in interesting:
                continue  # most lines: text, list items, table rows
            if c == "#":
                h = _heading(ln)
                if h:
                    num, rest = _number_of(h[1])
                    self.headings.append(Heading(i, h[0], h[1], num, rest))
            if c == "*" and (m := _LABEL_RE.match(t)):
                self.labels.append(i)
                label = m.group("a").strip()
                if label in ANSWER_LABELS:
                    self.answer_labels.append(i)
                elif label in PROMPT_LABELS:
                    self.prompt_labels.append(i)
            if c in "AＡ答" and _PLAIN_ANSWER_RE.match(t):
                self.plain_answers.append(i)
            if c in "-*+ABCDEFGH(（" and _OPTION_RE.match(t):
                self.options.append(i)
            if c in "#*正参答A" and ("答案" in s or "Answer" in s) and _CHOICE_ANSWER_RE.match(t):
                self.choice_answers.append(i)
            if (
                c in "QＱ问题*0123456789"
                and ("Q" in t or "Ｑ" in t or "问" in t or "题目" in t)
                and _QA_Q_RE.match(t)
            ):
                self.qa_q.append(i)
            if c in "AＡ答回解参*" and _QA_A_RE.match(t):
                self.qa_a.append(i)
        self.candidates: list[int] | None = None  # cached by _candidates()
        self.carriers: list[int] | None = None  # cached by _label_carriers()
        self.heading_at = {h.at: k for k, h in enumerate(self.headings)}  # line index -> heading

    def segment_end(self, k: int) -> int:
        """Index where heading k's own text ends (the next heading)."""
        return self.headings[k + 1].at if k + 1 < len(self.headings) else len(self.lines)

    def has_text(self, start: int, end: int) -> bool:
        lines = self.lines
        for i in range(start, end):
            t = lines[i].text
            if t.strip() and not _is_html_only(t):
                return True
        return False

    @staticmethod
    def count_in(indices: list[int], start: int, end: int) -> int:
        return bisect.bisect_left(indices, end) - bisect.bisect_left(indices, start)


@dataclass
class RawQuestion:
    title: str
    line: int
    body: list[Line]
    group: str | None = None
    ref: str | None = None


@dataclass
class Found:
    """What a layout's splitter produced."""

    questions: list[Question] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    # line-index ranges [start, end) the questions were cut from (`_uncovered_text`)
    covered: list[tuple[int, int]] = field(default_factory=list)


# ---------------------------------------------------------------------------- sections


def _clean(lines: Sequence[Line]) -> str:
    """Join lines into text, keeping code fences verbatim and trimming blank edges."""
    if len(lines) == 1:
        ln = lines[0]
        t = ln.text.strip()
        if not t or (
            not ln.code and (("<" in t and _is_html_only(t)) or (t[0] in "-*_" and _RULE_RE.match(t)))
        ):
            return ""
        return t
    texts = [ln.text for ln in lines if ln.code or "<" not in ln.text or not _is_html_only(ln.text)]
    start, end = 0, len(texts)
    while start < end and not texts[start].strip():
        start += 1
    while end > start and (not texts[end - 1].strip() or _RULE_RE.match(texts[end - 1])):
        end -= 1
    if start == end:
        return ""
    if end - start == 1:
        return texts[start].strip()
    first, rest = texts[start].strip(), texts[start + 1 : end]
    # Remove the common indentation of continuation lines so a list item's code fence and
    # paragraphs read naturally; the first line may start at column 0 after the marker.
    if any(t[:1] in (" ", "\t") for t in rest):
        indents = [len(t) - len(t.lstrip()) for t in rest if t.strip()]
        cut = min(indents) if indents else 0
        rest = [t[cut:] if t[:cut].strip() == "" else t.lstrip() for t in rest]
    out = first + "\n" + "\n".join(rest)
    return re.sub(r"\n{3,}", "\n\n", out) if "\n\n\n" in out else out


_LIST_START = frozenset("0123456789(（-*+•①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳")


def _split_term(text: str) -> tuple[str | None, str]:
    """``**数据预处理：** 对图像…`` -> (数据预处理, 对图像…); also ``**术语**：…``, ``** 术语: **``
    and ``**术语** — …``. Without a bold term: (None, text)."""
    if not text.startswith("**"):
        return None, text.strip()
    end = text.find("**", 2)
    if end < 0:
        return None, text.strip()
    inner = text[2:end].strip()
    after = text[end + 2 :].lstrip()
    if inner[-1:] in (":", "："):
        term = inner[:-1].strip()
    elif after[:1] in (":", "：", "—", "–", "-"):
        term = inner
        after = after.lstrip(":：—–-").lstrip()
    else:
        return None, text.strip()
    if not term or "\n" in term:
        return None, text.strip()
    return term, after.strip()


def parse_block(label: str, first: str, body: Sequence[Line], first_no: int = 0) -> list[Section]:
    """One labelled block -> one section, or several when it holds several lists.

    Inside a block: lead paragraph(s), a list, a closing paragraph. A second list that
    follows a paragraph (``常见的激活函数包括：``) starts a new section under the same label,
    with that paragraph as its lead, so no list is merged into another.
    """
    kind = kind_for_label(label)
    lines = ([Line(first_no, first, False)] if first.strip() else []) + list(body)
    sections: list[Section] = []
    lead: list[Line] = []
    items: list[tuple[str | None, list[Line]]] = []
    tail: list[Line] = []
    list_indent = -1

    def flush() -> None:
        nonlocal lead, items, tail
        if lead or items or tail:
            sections.append(
                Section(
                    label=label,
                    kind=kind,
                    lead=_clean(lead) if lead else "",
                    items=tuple([ListItem(t, _clean(ls)) for t, ls in items]),
                    text=_clean(tail) if tail else "",
                )
            )
        lead, items, tail = [], [], []

    for ln in lines:
        t = ln.text
        m = None
        if not ln.code and t and (t[0] in _LIST_START or t.lstrip()[:1] in _LIST_START):
            m = _LIST_RE.match(t)
            if m and (not m.group("rest").strip() or (m.group("bullet") and _RULE_RE.match(t))):
                m = None
        indent = len(m.group("indent").expandtabs(4)) if m else 0
        if m and (not items or tail or indent <= list_indent):
            if tail:
                # a paragraph then a new list: the paragraph leads the new list
                new_lead = tail
                tail = []
                flush()
                lead = new_lead
            term, rest = _split_term(m.group("rest"))
            items.append((term, [Line(ln.no, rest, False)]))
            list_indent = indent
            continue
        if not items:
            lead.append(ln)
        elif tail:
            tail.append(ln)
        elif ln.code or ln.text[:1] in (" ", "\t") or not ln.text.strip():
            items[-1][1].append(ln)
        else:
            tail.append(ln)
    flush()
    return sections or [Section(label=label, kind=kind)]


@dataclass
class Body:
    prompt: str = ""
    answer: str = ""
    answer_line: int = 0
    sections: list[Section] = field(default_factory=list)
    unlabelled: str = ""
    unlabelled_line: int = 0
    notes: list[tuple[int, str]] = field(default_factory=list)


def parse_labelled_body(lines: Sequence[Line], *, plain_answers: bool = False) -> Body:
    """Split a question body at ``**标签：**`` lines into prompt, answer and sections.
    With `plain_answers`, an ``A:`` / ``答：`` line also starts the answer (once)."""
    body = Body()
    blocks: list[tuple[str, str, list[Line], int]] = []
    pre: list[Line] = []
    cur = pre
    answered = False
    label_match = _LABEL_RE.match
    for ln in lines:
        if not ln.code:
            t = ln.text
            m = label_match(t) if "**" in t[:6] else None
            if m:
                label = m.group("a").strip()
                answered = answered or label in ANSWER_LABELS
                cur = []
                blocks.append((label, m.group("rest"), cur, ln.no))
                continue
            if plain_answers and not answered:
                pm = _PLAIN_ANSWER_RE.match(t)
                if pm:
                    answered = True
                    cur = []
                    blocks.append(("答案", pm.group("rest"), cur, ln.no))
                    continue
        cur.append(ln)
    if pre:
        body.unlabelled = _clean(pre)
        body.unlabelled_line = next((ln.no for ln in pre if ln.text.strip()), 0)
    for label, first, blines, no in blocks:
        if label in PROMPT_LABELS:
            text = _clean([Line(no, first, False), *blines])
            body.prompt = f"{body.prompt}\n\n{text}".strip() if body.prompt else text
            continue
        if label in ANSWER_LABELS:
            text = _clean([Line(no, first, False), *blines])
            if body.answer:  # "**A**：1. …" "**A**：2. …": one answer written in parts
                body.answer = f"{body.answer}\n\n{text}".strip()
            else:
                body.answer = text
                body.answer_line = no
            # a list in the answer is also kept as a section, for the generators
            secs = parse_block("答案", first, blines, no)
            if any(s.items for s in secs):
                body.sections.extend(secs)
            continue
        body.sections.extend(parse_block(label, first, blines, no))
    return body


# ---------------------------------------------------------------------------- aliases

_PAREN_RE = re.compile(r"[（(]([^（）()\n]{1,60})[）)]")
_LATIN_RE = re.compile(r"[A-Za-z]")
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
_WORD_RE = re.compile(r"\w")
_ALIAS_SPLIT_RE = re.compile(r"[，,、;；/]|\s或\s")
_WORD_RUN_RE = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]+")
_ALIAS_PREFIXES = (
    "什么是",
    "请简要解释",
    "请简要介绍",
    "简要解释",
    "请解释",
    "请介绍",
    "解释",
    "简述",
    "何为",
    "请",
    "在",
    "是",
    "和",
    "与",
    "及",
    "由",
    "即",
    "它由",
    "它",
    "其",
    "这",
    "该",
    "将",
    "把",
    "例如",
    "比如",
    "包括",
    "通过",
    "使用",
    "利用",
    "采用",
)
_PREFIX_FIRST = frozenset(p[0] for p in _ALIAS_PREFIXES)
_ALIAS_STRIP = re.compile(r"^(?:简称|又称|又叫|也称|或称|即|英文|英文名)\s*[:：]?\s*")
# Only separators that cannot sit inside a term: 对/为/用 would cut 生成对抗网络.
_SUBJECT_SEPS = ("的", "中", "是", "通过", "使用", "利用", "采用", "包括", "例如", "比如")


@functools.lru_cache(maxsize=16384)
def _norm_name(name: str) -> str:
    return normalize(name)


@functools.lru_cache(maxsize=16384)
def _subject(run: str) -> str:
    """The term a parenthesis explains: the tail of the run of words before it, without
    lead-ins such as 什么是 / 例如 (notes repeat their terms, hence the cache)."""
    for sep in _SUBJECT_SEPS:
        if sep in run[1:]:
            _head, tail = run.rsplit(sep, 1)
            if len(tail) >= 2:
                run = tail
    changed = run[:1] in _PREFIX_FIRST
    while changed:
        changed = False
        for p in _ALIAS_PREFIXES:
            if run.startswith(p) and len(run) > len(p) + 1:
                run = run[len(p) :]
                changed = True
    return run


def extract_aliases(*texts: str) -> tuple[tuple[str, ...], ...]:
    """``卷积神经网络（CNN）`` -> (卷积神经网络, CNN); ``残差网络（Residual Network，简称 ResNet）``
    -> (残差网络, Residual Network, ResNet). Only parentheses holding Latin letters count, so
    ``（如图像）`` is not an alias."""
    groups: list[list[str]] = []
    known: dict[str, set[str]] = {}  # normalised subject -> normalised names of its group
    by_subject: dict[str, list[str]] = {}
    for text in texts:
        if "（" not in text and "(" not in text:
            continue
        for m in _PAREN_RE.finditer(text):
            inner = m.group(1).strip()
            if not _LATIN_RE.search(inner) or inner.startswith(
                ("如", "例如", "比如", "通常", "包括", "即", "约")
            ):
                continue
            # the run of word characters right before the parenthesis, read backwards
            before = _WORD_RUN_RE.match(text[max(0, m.start() - 40) : m.start()].rstrip()[::-1])
            if not before:
                continue
            subject = _subject(before.group()[::-1])
            if len(subject) < 2 or not _CJK_RE.search(subject):
                continue
            names = [subject]
            for part in _ALIAS_SPLIT_RE.split(inner):
                part = _ALIAS_STRIP.sub("", part.strip()).strip()
                if part and len(part) <= 40 and _LATIN_RE.search(part):
                    names.append(part)
            if len(names) < 2:
                continue
            key = _norm_name(subject)
            g = by_subject.get(key)
            if g is None:
                by_subject[key] = names
                known[key] = {_norm_name(n) for n in names}
                groups.append(names)
                continue
            for n in names[1:]:
                nn = _norm_name(n)
                if nn not in known[key]:
                    known[key].add(nn)
                    g.append(n)
    return tuple(tuple(g) for g in groups)


# ---------------------------------------------------------------------------- building questions


def _question(
    raw: RawQuestion, prompt: str, answer: str, sections: Sequence[Section], flags: Sequence[str]
) -> Question:
    return Question(
        id="",
        number=0,
        title=raw.title,
        prompt=prompt,
        answer=answer,
        sections=tuple(sections),
        aliases=extract_aliases(raw.title, prompt, answer),
        line=raw.line,
        group=raw.group,
        flags=tuple(flags),
        ref=raw.ref,
    )


def _from_body(raw: RawQuestion, where: str, out: Found, *, plain_answers: bool, marked: bool) -> None:
    """A question from a labelled body. Text before the first label is the answer when no
    answer label is present (flagged when the layout expects a marker), else it joins the
    prompt."""
    body = parse_labelled_body(raw.body, plain_answers=plain_answers)
    for no, msg in body.notes:
        out.warnings.append(Warning_(f"{where}:{no}", msg))
    prompt, answer, flags = body.prompt, body.answer, []
    if not answer and body.unlabelled:
        answer = body.unlabelled
        if marked:
            flags.append(FLAG_ANSWER_UNMARKED)
            out.warnings.append(
                Warning_(
                    f"{where}:{raw.line}",
                    f"question {raw.title!r} has no answer marker; its text (line {body.unlabelled_line}) "
                    f"was taken as the answer and flagged {FLAG_ANSWER_UNMARKED}",
                )
            )
    elif body.unlabelled:
        prompt = f"{body.unlabelled}\n\n{prompt}".strip()
    if not answer:
        flags.append(FLAG_NO_ANSWER)
        out.warnings.append(
            Warning_(
                f"{where}:{raw.line}",
                f"question {raw.title!r} has no answer; kept and flagged {FLAG_NO_ANSWER}",
            )
        )
    out.questions.append(_question(raw, prompt, answer, body.sections, flags))


def _cut_at_headings(
    doc: Doc,
    is_question: Callable[[int], bool],
    where: str,
    out: Found,
    *,
    body_heading: Callable[[int], bool] | None = None,
    nests: Callable[[int, int], bool] | None = None,
) -> list[RawQuestion]:
    """Cut the document at question headings (`is_question(k)` for heading k).

    A question's body runs to the next heading at its level or above, or to the next
    question heading. Headings for which `body_heading(k)` holds (``#### 答案：D``) and
    deeper non-question headings stay in the body as text; `nests(k, q)` may also keep a
    deeper question-looking heading k inside question heading q's body. Other headings
    are groups: the deepest one above a question (level >= 2) names its ``group``.
    """
    raws: list[RawQuestion] = []
    groups: dict[int, str] = {}
    cur: RawQuestion | None = None
    cur_level = 0
    cur_k = -1
    prev_end = 0

    def close(end: int) -> None:
        nonlocal cur
        if cur is not None:
            cur.body.extend(doc.lines[prev_end:end])
            raws.append(cur)
            out.covered.append((prev_end - 1, end))  # from the question's heading
        cur = None

    for k, h in enumerate(doc.headings):
        inside = cur is not None and (
            (body_heading is not None and body_heading(k))
            or (h.level > cur_level and not is_question(k))
            or (h.level > cur_level and nests is not None and nests(k, cur_k))
        )
        if inside:
            if is_question(k) and cur is not None:
                out.warnings.append(
                    Warning_(
                        f"{where}:{doc.lines[h.at].no}",
                        f"heading {h.title!r} has no answer of its own; kept as part of question "
                        f"{cur.title!r} (line {cur.line})",
                    )
                )
            continue
        close(h.at)
        if is_question(k):
            num, title = h.number, h.text
            g = [groups[lv] for lv in sorted(groups) if lv < h.level]
            cur = RawQuestion(
                title=title or h.title,
                line=doc.lines[h.at].no,
                body=[],
                group=g[-1] if g else None,
                ref=num,
            )
            cur_level, cur_k = h.level, k
            prev_end = h.at + 1
        else:
            for lv in [lv for lv in groups if lv >= h.level]:
                del groups[lv]
            if h.level >= 2 and h.title:
                groups[h.level] = _group_name(h.title)
    close(len(doc.lines))
    return raws


def _candidates(doc: Doc) -> list[int]:
    """Headings that could hold a question: level 2-6, not a group or answer heading, with text."""
    if doc.candidates is not None:
        return doc.candidates
    out: list[int] = []
    for k, h in enumerate(doc.headings):
        if h.level < 2 or not h.title or _is_group_title(h.title) or _ANSWER_HEADING_RE.match(h.title):
            continue
        if doc.has_text(h.at + 1, doc.segment_end(k)):
            out.append(k)
    doc.candidates = out
    return out


# ---------------------------------------------------------------------------- layout: labelled


def _labelled_question_heading(doc: Doc) -> Callable[[int], bool]:
    def is_q(k: int) -> bool:
        h = doc.headings[k]
        if h.level < 2 or not h.title or _is_group_title(h.title):
            return False
        if doc.count_in(doc.answer_labels, h.at, doc.segment_end(k)):
            return True
        return h.number is not None and doc.has_text(h.at + 1, doc.segment_end(k))

    return is_q


def _under_heading(doc: Doc, i: int) -> int | None:
    """The heading index whose line is the last non-blank line before line i, if any."""
    j = i - 1
    lines = doc.lines
    while j >= 0 and not lines[j].text.strip():
        j -= 1
    return doc.heading_at.get(j) if j >= 0 else None


def _question_shaped(h: Heading) -> bool:
    """A heading that reads as a question (``### 1. 标题``, ``## 什么是X？``), not a topic (``## 基础``)."""
    return h.number is not None or _ends_q(h.title) or _question_like(h.title)


def _label_carriers(doc: Doc) -> list[int]:
    """Candidate headings that carry their question's labels (the labelled layout): an answer
    label, or a 题目/Q marker right under them, in their own text. A topic heading
    (``## 基础``) over several 题目/答案 pairs is not one: those pairs are the qa layout's."""
    if doc.carriers is not None:
        return doc.carriers
    under = {k for i in doc.qa_q if (k := _under_heading(doc, i)) is not None}
    out = []
    for k in _candidates(doc):
        h = doc.headings[k]
        end = doc.segment_end(k)
        if not (doc.count_in(doc.answer_labels, h.at, end) or k in under):
            continue
        if doc.count_in(doc.prompt_labels, h.at, end) > 1 and not _question_shaped(h):
            continue
        out.append(k)
    doc.carriers = out
    return out


def _detect_labelled(doc: Doc) -> float:
    cands = _candidates(doc)
    if not cands:
        return 0.0
    n = sum(
        1
        for k in _label_carriers(doc)
        if doc.count_in(doc.answer_labels, doc.headings[k].at, doc.segment_end(k))
    )
    return n / len(cands)


def _split_labelled(doc: Doc, where: str) -> Found:
    out = Found()
    is_q = _labelled_question_heading(doc)

    def nests(k: int, q: int) -> bool:
        # a deeper numbered heading without any label of its own (``#### 1. 数据预处理``)
        # under a question that has an answer is a sub-heading of that answer
        h, qh = doc.headings[k], doc.headings[q]
        return not doc.count_in(doc.labels, h.at, doc.segment_end(k)) and bool(
            doc.count_in(doc.answer_labels, qh.at, h.at)
        )

    for raw in _cut_at_headings(doc, is_q, where, out, nests=nests):
        parts = [raw]
        if raw.body:
            start, end = raw.body[0].no - 1, raw.body[-1].no
            prompts = doc.count_in(doc.prompt_labels, start, end)
            if prompts > 1 or doc.count_in(doc.qa_q, start, end) > prompts:
                parts = _split_repeated_prompts(raw, where, out)
        for part in parts:
            _from_body(part, where, out, plain_answers=False, marked=True)
    return out


def _split_repeated_prompts(raw: RawQuestion, where: str, out: Found) -> list[RawQuestion]:
    """A ``**题目：**``, or a ``Q:`` line with its ``A:``, after an answer in the same body is
    a question whose heading is missing: split it off rather than let the first answer
    swallow it."""
    parts = [raw]
    seen_answer = False
    body = raw.body
    for i, ln in enumerate(body):
        if ln.code:
            continue
        t = ln.text
        m = _LABEL_RE.match(t) if "**" in t[:6] else None
        if m:
            label = m.group("a").strip()
            if label in ANSWER_LABELS:
                seen_answer = True
            elif label in PROMPT_LABELS and seen_answer:
                title = m.group("rest").strip() or f"{raw.title} (2)"
                rest = RawQuestion(title=title, line=ln.no, body=body[i:], group=raw.group)
                raw.body = body[:i]
                out.warnings.append(
                    Warning_(
                        f"{where}:{ln.no}",
                        "a second question (题目 after 答案) without its own heading; split off",
                    )
                )
                return [raw, *_split_repeated_prompts(rest, where, out)]
            continue
        q = _QA_Q_RE.match(t) if seen_answer else None
        a_at = _plain_answer_after(body, i) if q else None
        if q and a_at is not None:
            a = _QA_A_RE.match(body[a_at].text)
            assert a is not None
            qtext = q.group("rest").strip()
            rest = RawQuestion(
                title=qtext or f"{raw.title} (2)",
                line=ln.no,
                body=[
                    *body[i + 1 : a_at],
                    Line(body[a_at].no, "**答案：**" + a.group("rest"), False),
                    *body[a_at + 1 :],
                ],
                group=raw.group,
            )
            raw.body = body[:i]
            out.warnings.append(
                Warning_(
                    f"{where}:{ln.no}",
                    "a second question (Q/A pair after 答案) without its own heading; split off",
                )
            )
            return [raw, *_split_repeated_prompts(rest, where, out)]
    return parts


def _plain_answer_after(body: Sequence[Line], i: int) -> int | None:
    """Index of the plain ``A:`` / ``答：`` line answering the ``Q:`` line body[i], if one
    comes before the next question marker or bold label."""
    for j in range(i + 1, len(body)):
        ln = body[j]
        if ln.code:
            continue
        t = ln.text
        if t.lstrip().startswith("**") and _LABEL_RE.match(t):
            return None
        if _QA_A_RE.match(t):
            return j
        if _QA_Q_RE.match(t):
            return None
    return None


# ---------------------------------------------------------------------------- layout: faq


def _detect_faq(doc: Doc) -> float:
    cands = _candidates(doc)
    if not cands:
        return 0.0
    faq = [k for k in cands if _FAQ_TITLE_RE.match(doc.headings[k].title)]
    if not faq:
        return 0.0
    marked = sum(
        1
        for k in faq
        if doc.count_in(doc.answer_labels, doc.headings[k].at, doc.segment_end(k))
        or doc.count_in(doc.plain_answers, doc.headings[k].at, doc.segment_end(k))
    )
    return len(faq) / len(cands) * (1.0 if marked else 0.5)


def _split_faq(doc: Doc, where: str) -> Found:
    out = Found()

    def is_q(k: int) -> bool:
        h = doc.headings[k]
        return h.level >= 2 and bool(_FAQ_TITLE_RE.match(h.title))

    for raw in _cut_at_headings(doc, is_q, where, out):
        _from_body(raw, where, out, plain_answers=True, marked=True)
    return out


# ---------------------------------------------------------------------------- layout: heading-paragraph


def _question_like(title: str) -> bool:
    return bool(_QUESTION_WORD_RE.search(title))


def _detect_heading_paragraph(doc: Doc) -> float:
    cands = _candidates(doc)
    numbered = [k for k in cands if doc.headings[k].number is not None or _ends_q(doc.headings[k].title)]
    if not numbered:
        return 0.0
    qlike = sum(1 for k in numbered if _question_like(doc.headings[k].title))
    if qlike * 2 < len(numbered):
        return 0.0
    # below the marker layouts: a plain paragraph is the weakest evidence
    return 0.5 * len(numbered) / len(cands)


def _ends_q(title: str) -> bool:
    return title.rstrip().endswith(("?", "？"))


def _split_heading_paragraph(doc: Doc, where: str) -> Found:
    out = Found()

    def is_q(k: int) -> bool:
        h = doc.headings[k]
        if h.level < 2 or not h.title or _is_group_title(h.title):
            return False
        return h.number is not None or _ends_q(h.title)

    for raw in _cut_at_headings(doc, is_q, where, out):
        _from_body(raw, where, out, plain_answers=False, marked=False)
    return out


# ---------------------------------------------------------------------------- layout: qa


def _qa_pairs(doc: Doc) -> tuple[int, int]:
    """(Q markers not right under a heading, those followed by an A marker before the next Q).

    A ``**题目：**`` label inside a question heading that carries its labels is that
    heading's prompt (labelled layout), not a qa marker."""
    carriers = _label_carriers(doc)
    starts = [doc.headings[k].at for k in carriers]
    ends = [doc.segment_end(k) for k in carriers]
    prompts = set(doc.prompt_labels)

    def in_carrier(i: int) -> bool:
        n = bisect.bisect_right(starts, i) - 1
        return n >= 0 and i < ends[n]

    qs = [i for i in doc.qa_q if _under_heading(doc, i) is None and not (i in prompts and in_carrier(i))]
    # a pair ends at the next Q marker (of any kind) or heading
    bounds = sorted({*doc.qa_q, *doc.heading_at, len(doc.lines)})
    paired = 0
    for i in qs:
        nxt = bounds[bisect.bisect_right(bounds, i)]
        if doc.count_in(doc.qa_a, i + 1, nxt):
            paired += 1
    return len(qs), paired


def _detect_qa(doc: Doc) -> float:
    """Paired Q/A markers over all the questions the file shows: question headings that carry
    their own labels (`_label_carriers`) count against qa, so a stray ``Q:``/``A:`` pair
    in a labelled file cannot outvote its headings (``**题目：**``/``**答案：**`` are qa
    markers too)."""
    n, paired = _qa_pairs(doc)
    if not n or not paired:
        return 0.0
    return paired / (n + len(_label_carriers(doc)))


def _split_qa(doc: Doc, where: str) -> Found:
    out = Found()
    heads = {h.at: h for h in doc.headings}
    qset = set(doc.qa_q)
    aset = set(doc.qa_a)
    group: str | None = None
    lines = doc.lines
    i = 0
    n = len(lines)
    while i < n:
        ln = lines[i]
        if i in heads:
            h = heads[i]
            if h.level >= 2 and h.title:
                group = _group_name(h.title)
            i += 1
            continue
        if i not in qset or ln.code:
            i += 1
            continue
        m = _QA_Q_RE.match(ln.text)
        assert m is not None
        qm = re.sub(r"\s+", "", m.group("m"))
        num = re.sub(r"^(?:[QＱ]|问题?|题目|Question)", "", qm) or None
        start = i
        # the question runs to its answer marker; the answer to the next question or heading
        j = i + 1
        while j < n and j not in qset and j not in heads and (j not in aset or lines[j].code):
            j += 1
        a_start = j if j < n and j in aset and not lines[j].code else None
        if a_start is None:
            # no answer marker before the next question: question = first paragraph
            q_end = i + 1
            while q_end < j and lines[q_end].text.strip() and not lines[q_end].code:
                q_end += 1
            q_lines = [Line(ln.no, m.group("rest"), False), *lines[i + 1 : q_end]]
            rest_lines = list(lines[q_end:j])
            end = j
        else:
            k = a_start + 1
            while k < n and k not in qset and k not in heads:
                k += 1
            q_lines = [Line(ln.no, m.group("rest"), False), *lines[i + 1 : a_start]]
            rest_lines = list(lines[a_start:k])
            end = k
        qtext = _clean(q_lines)
        title = qtext.split("\n", 1)[0].strip() or f"Q{num or ''}"
        prompt = qtext if "\n" in qtext else ""
        raw = RawQuestion(title=title, line=lines[start].no, body=[], group=group, ref=num)
        out.covered.append((start, end))
        if a_start is not None:
            a = _QA_A_RE.match(lines[a_start].text)
            assert a is not None
            raw.body = [Line(lines[a_start].no, "**答案：**" + a.group("rest"), False), *rest_lines[1:]]
        else:
            raw.body = rest_lines
        before = len(out.questions)
        _from_body(raw, where, out, plain_answers=False, marked=True)
        if prompt:
            q = out.questions[before]
            out.questions[before] = replace(
                q, prompt=f"{prompt}\n\n{q.prompt}".strip() if q.prompt else prompt
            )
        i = end
    return out


# ---------------------------------------------------------------------------- layout: choice


def _choice_question_heading(doc: Doc) -> Callable[[int], bool]:
    def is_q(k: int) -> bool:
        h = doc.headings[k]
        if h.level < 2 or not h.title or _ANSWER_HEADING_RE.match(h.title):
            return False
        end = _choice_segment_end(doc, k)
        return doc.count_in(doc.options, h.at, end) >= 2

    return is_q


def _choice_segment_end(doc: Doc, k: int) -> int:
    heads = doc.headings
    for j in range(k + 1, len(heads)):
        if not _ANSWER_HEADING_RE.match(heads[j].title):
            return heads[j].at
    return len(doc.lines)


def _detect_choice(doc: Doc) -> float:
    cands = _candidates(doc)
    if not cands:
        return 0.0
    n = 0
    for k in cands:
        h = doc.headings[k]
        end = _choice_segment_end(doc, k)
        if doc.count_in(doc.options, h.at, end) >= 2 and doc.count_in(doc.choice_answers, h.at, end):
            n += 1
    return n / len(cands)


def _split_choice(doc: Doc, where: str) -> Found:
    out = Found()
    is_q = _choice_question_heading(doc)

    def body_heading(k: int) -> bool:
        return bool(_ANSWER_HEADING_RE.match(doc.headings[k].title))

    for raw in _cut_at_headings(doc, is_q, where, out, body_heading=body_heading):
        _choice_question(raw, where, out)
    return out


def _choice_question(raw: RawQuestion, where: str, out: Found) -> None:
    stem: list[Line] = []
    options: list[tuple[str, list[Line]]] = []
    between: list[Line] = []
    letters: list[str] = []
    answer_line = 0
    explanation: list[Line] = []
    state = "stem"
    for ln in raw.body:
        if state == "explain":
            explanation.append(ln)
            continue
        if not ln.code:
            a = _CHOICE_ANSWER_RE.match(ln.text) if ("答案" in ln.text or "Answer" in ln.text) else None
            if a and options:
                letters = re.findall(r"[A-H]", a.group("letters"))
                answer_line = ln.no
                if a.group("rest").strip():
                    explanation.append(Line(ln.no, a.group("rest"), False))
                state = "explain"
                continue
            o = _OPTION_RE.match(ln.text) if state in ("stem", "options") else None
            expected = chr(ord("A") + len(options)) if state == "options" else "A"
            if o and o.group("letter") == expected:
                options.append((o.group("letter"), [Line(ln.no, o.group("text"), False)]))
                between = []  # only blank or layout lines can sit between two options here
                state = "options"
                continue
        if state == "stem":
            stem.append(ln)
        elif state == "options" and (ln.code or ln.text[:1] in (" ", "\t")) and not between:
            options[-1][1].append(ln)
        else:
            if ln.text.strip() and not _is_html_only(ln.text):
                state = "between"
            between.append(ln)
    stem_text = _clean(stem)
    prompt = f"{raw.title}\n\n{stem_text}" if stem_text else ""
    sections: list[Section] = [
        Section(
            label="选项",
            kind=SectionKind.OPTIONS,
            items=tuple(ListItem(term=t, text=_clean(ls)) for t, ls in options),
        )
    ]
    between_text = _clean(between)
    if between_text and _WORD_RE.search(between_text):  # not a stray "-" line
        sections.append(Section(label="说明", kind=SectionKind.NOTE, text=between_text))
    if any(ln.text.strip() and not _is_html_only(ln.text) for ln in explanation):
        sections.extend(parse_block("解析", "", explanation))
    flags: list[str] = []
    if not letters:
        flags.append(FLAG_NO_ANSWER)
        out.warnings.append(
            Warning_(
                f"{where}:{raw.line}",
                f"question {raw.title!r} has no answer; kept and flagged {FLAG_NO_ANSWER}",
            )
        )
    else:
        known = {t for t, _ in options}
        unknown = [x for x in letters if x not in known]
        if unknown:
            out.warnings.append(
                Warning_(
                    f"{where}:{answer_line}",
                    f"answer {', '.join(unknown)} is not one of the options "
                    + "/".join(t for t, _ in options),
                )
            )
    answer = ", ".join(dict.fromkeys(letters))
    q = _question(raw, prompt, answer, sections, flags)
    out.questions.append(replace(q, aliases=extract_aliases(raw.title, prompt)))


# ---------------------------------------------------------------------------- layouts


@dataclass(frozen=True)
class Layout:
    name: str
    description: str
    detect: Callable[[Doc], float]
    split: Callable[[Doc, str], Found]


# Order breaks ties: the more specific layout first.
LAYOUTS: list[Layout] = [
    Layout(
        "choice",
        "`###### 1. 题目` headings, options `- A: …`, answer `答案：D` (also inside <details>)",
        _detect_choice,
        _split_choice,
    ),
    Layout("faq", "`#### Q1.1.1：问题` headings, answers `**A**：…` or `A: …`", _detect_faq, _split_faq),
    Layout(
        "labelled",
        "`### 1. 标题` (or the question as the heading) with `**题目：**`/`**答案：**`/`**解析：**` blocks",
        _detect_labelled,
        _split_labelled,
    ),
    Layout("qa", "`Q: …` / `A: …` (or `问：` / `答：`) lines, no question headings", _detect_qa, _split_qa),
    Layout(
        "heading-paragraph",
        "`### 1、问题？` headings, each followed by its answer paragraph",
        _detect_heading_paragraph,
        _split_heading_paragraph,
    ),
]


def layout_names() -> list[str]:
    return [lay.name for lay in LAYOUTS]


def _expected_layouts() -> str:
    lines = "".join(f"\n    {lay.name}: {lay.description}" for lay in LAYOUTS)
    return f"quizgen reads these layouts (force one with --layout NAME):{lines}"


def detect_layout(lines: list[Line]) -> tuple[Layout | None, dict[str, float]]:
    """The best-fitting layout (None when none fits) and every layout's score (0-1)."""
    doc = Doc(lines)
    return _detect(doc)


def _detect(doc: Doc) -> tuple[Layout | None, dict[str, float]]:
    scores = {lay.name: lay.detect(doc) for lay in LAYOUTS}
    best = max(LAYOUTS, key=lambda lay: scores[lay.name])  # max() keeps the first of equals
    return (best if scores[best.name] > 0 else None), scores


def _close_call(
    doc: Doc, chosen: Layout, found: Found, scores: dict[str, float], where: str
) -> list[Warning_]:
    """A warning when another layout scored within `CLOSE_MARGIN` of the chosen one and
    reads the file differently: other questions (line, title) or other questions without
    an answer. Layouts that agree (faq and labelled on an FAQ with bold answers) need none."""
    best = scores[chosen.name]
    close = sorted(
        (
            lay
            for lay in LAYOUTS
            if lay is not chosen and scores[lay.name] > 0 and best - scores[lay.name] < CLOSE_MARGIN
        ),
        key=lambda lay: -scores[lay.name],
    )

    def reading(questions: list[Question]) -> list[tuple[int, str, bool]]:
        return [(q.line, q.title, q.has_answer) for q in questions]

    mine = reading(found.questions)
    for other in close:
        if reading(other.split(doc, where).questions) != mine:
            return [
                Warning_(
                    where,
                    f"layout {chosen.name} chosen, but {other.name} fits almost as well "
                    f"({best:.2f} vs {scores[other.name]:.2f}) and reads the questions differently; "
                    f"if they look wrong, force a layout with --layout (e.g. --layout {other.name})",
                )
            ]
    return []


# ---------------------------------------------------------------------------- text outside questions

_LINK_RE = re.compile(r"!?\[[^\]\n]*\]\([^)\n]*\)")
# What may sit around links in a table of contents line: list markers, numbers, separators.
_TOC_FILLER_RE = re.compile(r"[\s\-*+•|·,，、/.．:：()（）\d]+")


def _is_link_only(text: str) -> bool:
    """A table-of-contents or image line: ``* [基础知识16题](#基础知识)``."""
    if "](" not in text:
        return False
    rest = _LINK_RE.sub("", text)
    return rest != text and not _TOC_FILLER_RE.sub("", rest)


def _is_loose_text(doc: Doc, i: int) -> bool:
    """Line i is text a reader would miss: not blank, a heading, layout HTML (anchors,
    <details>), a rule or a table-of-contents link line."""
    ln = doc.lines[i]
    t = ln.text.strip()
    if not t:
        return False
    if ln.code:
        return True
    if i in doc.heading_at or _RULE_RE.match(t) or _is_html_only(t):
        return False
    return not _is_link_only(t)


def _uncovered_text(doc: Doc, covered: list[tuple[int, int]], where: str) -> list[Warning_]:
    """One warning per stretch of text that no question was cut from (nothing is dropped
    silently): before the first question, between questions, after the last one."""
    spans = sorted(covered)
    n = len(doc.lines)
    gaps: list[tuple[int, int, str]] = []
    pos = 0
    for a, b in spans:
        if a > pos:
            gaps.append(
                (pos, a, "before the first question" if not gaps and pos == 0 else "between questions")
            )
        pos = max(pos, b)
    if pos < n:
        gaps.append((pos, n, "after the last question" if spans else "outside the questions"))
    out = []
    for a, b, place in gaps:
        text = [i for i in range(a, b) if _is_loose_text(doc, i)]
        if not text:
            continue
        first, last = doc.lines[text[0]].no, doc.lines[text[-1]].no
        span = f"{first}-{last}" if last > first else f"{first}"
        count = f"{len(text)} line{'s' if len(text) > 1 else ''}"
        out.append(Warning_(f"{where}:{span}", f"text {place} is not part of any question ({count})"))
    return out


# ---------------------------------------------------------------------------- ids and duplicates


def _id_key(q: Question) -> str:
    # Choice questions share titles (输出是什么？); their stem (code) tells them apart.
    return f"{q.title}\n{q.prompt}" if q.options else q.title


def _evolve(q: Question, **changes: object) -> Question:
    """`dataclasses.replace` without re-running ``__init__`` (Question has no
    ``__post_init__``): replace() is a tenth of the time of a 10 MB parse."""
    new = object.__new__(Question)
    new.__dict__.update(q.__dict__)
    new.__dict__.update(changes)
    return new


def _assign_ids(questions: list[Question]) -> list[Question]:
    seen: Counter[str] = Counter()
    out = []
    for n, q in enumerate(questions, 1):
        key = normalize(_id_key(q))
        seen[key] += 1
        qid = question_id(key, seen[key])
        ref = q.ref if q.ref is not None and q.ref != str(n) else None
        out.append(_evolve(q, id=qid, number=n, ref=ref))
    return out


def _dup_key(q: Question, answer: str | None = None, options: tuple[ListItem, ...] | None = None) -> str:
    opts = q.options if options is None else options
    if opts:
        text = "\n".join(f"{it.term}.{it.text}" for it in opts)
        return normalize(f"{q.title}\n{q.prompt}\n{text}\n{q.answer}")
    return normalize(q.title) + "\n" + (normalize(q.answer) if answer is None else answer)


_CLAUSE_SPLIT_RE = re.compile(r"[\s,.;:!?，。；：！？、()（）\[\]【】“”\"'`*#>|=+\-/\\]+")


def _clauses(key: str) -> set[str]:
    parts = {c for c in _CLAUSE_SPLIT_RE.split(key) if len(c) >= 2}
    return parts or {key}


class _Key(NamedTuple):
    """What the near-duplicate pass compares, computed once per question."""

    key: str  # normalised title + answer (+ stem and options for a choice question)
    answer: str  # normalised answer
    options: tuple[str, ...] | None  # normalised option texts of a choice question
    letters: str  # a choice question's answer
    clauses: frozenset[str]


def _make_key(q: Question) -> _Key:
    answer = normalize(q.answer)
    opts = q.options
    key = _dup_key(q, answer, opts)
    return _Key(
        key=key,
        answer=answer,
        options=tuple(normalize(i.text) for i in opts) if opts else None,
        letters=q.answer if opts else "",
        clauses=frozenset(_clauses(key)),
    )


def _is_dup(a: _Key, b: _Key, threshold: float, ratio: Callable[..., float]) -> bool:
    if a.options is not None or b.options is not None:
        # choice questions: same options and answer, and a near-identical stem (code that
        # differs by one character is another question)
        return (
            a.options == b.options
            and a.letters == b.letters
            and ratio(a.key, b.key, score_cutoff=max(threshold, 97.0)) > 0
        )
    if ratio(a.key, b.key, score_cutoff=threshold) > 0:
        return True
    return (
        len(a.answer) >= DUPLICATE_MIN_ANSWER
        and len(b.answer) >= DUPLICATE_MIN_ANSWER
        and ratio(a.answer, b.answer, score_cutoff=ANSWER_DUPLICATE_THRESHOLD) > 0
    )


def mark_duplicates(
    questions: list[Question], threshold: float = DUPLICATE_THRESHOLD, *, exhaustive: bool = False
) -> list[Question]:
    """Mark each question that matches an earlier non-duplicate (see the module docstring)
    with ``duplicate_of: <earlier id>``; the first match in file order wins.

    Exact repeats are found by their key. Other candidates are the earlier non-duplicates
    that share at least `_BLOCK_MIN_SHARED` of the smaller clause set (clause = text between
    punctuation), counting only clauses found in at most `_BLOCK_MAX_POSTINGS` earlier
    questions; the candidates are then scored with rapidfuzz. Near-duplicates share most
    of their clauses, so the blocking keeps the result of the all-pairs comparison
    (`exhaustive=True`, which the tests check it against) while the cost stays linear.
    """
    from rapidfuzz import fuzz

    ratio = fuzz.ratio
    out: list[Question] = []
    originals: list[tuple[Question, _Key]] = []
    exact: dict[str, str] = {}
    postings: dict[str, list[int]] = defaultdict(list)
    for q in questions:
        k = _make_key(q)
        target: str | None = exact.get(k.key)
        if target is None:
            pool: Iterable[int]
            if exhaustive:
                pool = range(len(originals))
            else:
                shared: dict[int, int] = {}
                for c in k.clauses:
                    p = postings.get(c)
                    if p and len(p) <= _BLOCK_MAX_POSTINGS:
                        for i in p:
                            shared[i] = shared.get(i, 0) + 1
                n = len(k.clauses)
                pool = sorted(
                    i
                    for i, cnt in shared.items()
                    if cnt >= _BLOCK_MIN_SHARED * min(n, len(originals[i][1].clauses))
                )
            for i in pool:
                o, ok = originals[i]
                if _is_dup(k, ok, threshold, ratio):
                    target = o.id
                    break
        if target is not None:
            out.append(_evolve(q, duplicate_of=target))
            exact.setdefault(k.key, target)
            continue
        out.append(q)
        exact.setdefault(k.key, q.id)
        if not exhaustive:
            for c in k.clauses:
                postings[c].append(len(originals))
        originals.append((q, k))
    return out


def _repeated_refs(questions: Sequence[Question], where: str) -> list[Warning_]:
    """An FAQ id used twice for questions that are not duplicates of each other."""
    first: dict[str, Question] = {}
    warnings = []
    for q in questions:
        if q.ref is None or not q.ref[:1].isalpha():
            continue
        o = first.setdefault(q.ref, q)
        if o is not q and q.duplicate_of != (o.duplicate_of or o.id):
            warnings.append(
                Warning_(
                    f"{where}:{q.line}",
                    f"{q.ref} is also used on line {o.line} for a different question; kept both",
                )
            )
    return warnings


# ---------------------------------------------------------------------------- entry points


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a big file is parsed: the parse allocates
    millions of small acyclic objects, and the collector's repeated passes over them cost
    10-15 % of a 10 MB parse. Restored on exit, also on errors."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_text(
    text: str,
    *,
    source_name: str = "<text>",
    layout: str = "auto",
    title: str | None = None,
    dedup: bool = False,
    sha256: str | None = None,
) -> ParseResult:
    """Parse notes text into a bank (with the warnings, each ``file:line: message``).

    `layout` is ``auto`` (detect) or one of `layout_names()`. Raises `ParseError` when no
    layout fits or the file holds no question, `UsageError` for an unknown layout name.
    """
    forced: Layout | None = None
    if layout != "auto":
        forced = next((lay for lay in LAYOUTS if lay.name == layout), None)
        if forced is None:
            raise UsageError(
                f"unknown layout {layout!r}", hint=f"use auto or one of: {', '.join(layout_names())}"
            )
    with _gc_paused():
        return _parse(text, source_name, forced, title, dedup, sha256)


def _parse(
    text: str, where: str, forced: Layout | None, title: str | None, dedup: bool, sha256: str | None
) -> ParseResult:
    _refuse_data_file(text, where)
    lines, notes = _split_lines(text)
    warnings = [Warning_(f"{where}:{no}", msg) for no, msg in notes]
    if not any(ln.text.strip() for ln in lines):
        raise ParseError(
            "the file is empty",
            where=where,
            hint="give a notes file with questions, e.g. `### 1. 标题` blocks",
        )
    doc = Doc(lines)
    chosen = forced
    scores: dict[str, float] = {}
    if chosen is None:
        chosen, scores = _detect(doc)
        if chosen is None:
            raise ParseError("no question layout recognised", where=where, hint=_expected_layouts())
    result = chosen.split(doc, where)
    if not result.questions:
        raise ParseError(
            f"no questions found in the {chosen.name} layout", where=where, hint=_expected_layouts()
        )
    if forced is None:
        warnings.extend(_close_call(doc, chosen, result, scores, where))
    warnings.extend(_uncovered_text(doc, result.covered, where))
    questions = mark_duplicates(_assign_ids(result.questions))
    warnings.extend(result.warnings)
    warnings.extend(_repeated_refs(questions, where))
    if dedup:
        questions = [q for q in questions if q.duplicate_of is None]
    digest = sha256 or hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    bank = Bank(
        title=title if title is not None else Path(where).stem,
        questions=tuple(questions),
        source=Source(file=Path(where).name, sha256=digest, layout=chosen.name),
    )
    warnings.sort(key=_warning_order)
    return ParseResult(bank=bank, warnings=warnings, layout=chosen.name)


def _refuse_data_file(text: str, where: str) -> None:
    """A bank or items file given as notes: say so (a cheap look at its top-level keys;
    a file named .md/.markdown/.txt is always read as notes)."""
    if Path(where).suffix.lower() in NOTES_SUFFIXES:
        return
    kind = detect_kind(text, name=where, quick=True)
    if kind == "bank":
        raise ParseError(
            "is a bank (from quizgen parse), not notes",
            where=where,
            hint="it is ready to use: quizgen bank stats, generate, quiz or export take it as it is",
        )
    if kind == "items":
        raise ParseError(
            "is an items file (from quizgen generate), not notes",
            where=where,
            hint="quizgen quiz and quizgen export take it as it is",
        )


def _warning_order(w: Warning_) -> int:
    if ":" not in w.where:
        return 0
    tail = w.where.rsplit(":", 1)[-1].split("-", 1)[0]  # file:12 or file:3-9
    return int(tail) if tail.isdigit() else 0


def parse_bytes(
    data: bytes,
    *,
    source_name: str = "<input>",
    encoding: str | None = None,
    layout: str = "auto",
    title: str | None = None,
    dedup: bool = False,
) -> ParseResult:
    text = decode(data, encoding=encoding, where=source_name)
    return parse_text(
        text,
        source_name=source_name,
        layout=layout,
        title=title,
        dedup=dedup,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def parse_file(
    path: str | Path,
    *,
    encoding: str | None = None,
    layout: str = "auto",
    title: str | None = None,
    dedup: bool = False,
) -> ParseResult:
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", where=str(p), hint="check the path") from None
    except IsADirectoryError:
        raise InputError("is a directory, expected a notes file", where=str(p)) from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", where=str(p)) from None
    return parse_bytes(data, source_name=str(p), encoding=encoding, layout=layout, title=title, dedup=dedup)
