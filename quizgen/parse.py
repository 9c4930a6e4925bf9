"""Chinese Q&A notes -> question bank. Pure: text in, bank out; never prints.

The parser works on lines. Code fences are recognised first so that nothing inside
them (a ``#`` comment, a ``1.`` line, a ``**x:**``) is ever read as structure. Then the
document is split at headings into question blocks, and each block's body is split
into labelled sections (``**解析：**``) whose lead, list and closing paragraph are kept.

Layouts are detected, not assumed; a file that fits none fails with a message that
names the layouts expected, rather than producing silent garbage.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from quizgen.bank import Bank, ListItem, Question, Section, SectionKind, Source, kind_for_label, question_id
from quizgen.errors import InputError, ParseError
from quizgen.text import normalize

# Near-duplicates: rapidfuzz.fuzz.ratio (0-100) of the normalised title+answer >= 75, or of
# the answer alone >= 90 when it is long enough (30+ chars) to identify the question.
# Measured on the seed: the 16 repeat pairs score 83-100 on title+answer, the closest
# distinct pair (卷积操作 / 池化操作) 63; so 75 sits in the middle of the gap.
DUPLICATE_THRESHOLD = 75.0
ANSWER_DUPLICATE_THRESHOLD = 90.0
DUPLICATE_MIN_ANSWER = 30


@dataclass(frozen=True)
class Warning_:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class ParseResult:
    bank: Bank
    warnings: list[Warning_] = field(default_factory=list)
    layout: str = ""


# ---------------------------------------------------------------------------- decoding


def decode(data: bytes, *, encoding: str | None = None, where: str = "<input>") -> str:
    """Bytes -> text. UTF-8 (BOM or not), UTF-16 with BOM, else GB18030; or the forced encoding."""
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(
                f"unknown encoding {encoding!r}", where=where, hint="use e.g. utf-8, utf-16, gb18030, gbk"
            ) from None
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as e:
            raise InputError(
                f"cannot decode as {encoding}: invalid byte 0x{data[e.start]:02x} at byte offset {e.start}",
                where=where,
                hint="check the file's encoding and pass it with --encoding",
            ) from None
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data, "utf-8-sig", where)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", where)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as utf8_err:
        try:
            # GB18030 is a superset of GBK and GB2312: the encodings of Chinese notes not in UTF-8.
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise InputError(
                f"not valid UTF-8 (invalid byte 0x{data[utf8_err.start]:02x} at byte offset {utf8_err.start}) "
                "nor GB18030",
                where=where,
                hint="convert the file to UTF-8, or pass its encoding with --encoding",
            ) from None
        if _looks_like_text(text):
            return text
        raise InputError(
            f"not valid UTF-8 (invalid byte 0x{data[utf8_err.start]:02x} at byte offset {utf8_err.start})",
            where=where,
            hint="convert the file to UTF-8, or pass its encoding with --encoding",
        ) from None


def _strict(data: bytes, enc: str, where: str) -> str:
    try:
        return data.decode(enc)
    except UnicodeDecodeError as e:
        raise InputError(
            f"cannot decode as {enc}: invalid byte at byte offset {e.start}",
            where=where,
            hint="the file starts with a byte-order mark but is damaged; re-save it",
        ) from None


def _looks_like_text(text: str) -> bool:
    if not text:
        return True
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\n\r\t") or 0xE000 <= ord(ch) <= 0xF8FF)
    return bad / len(text) < 0.01


# ---------------------------------------------------------------------------- lines


@dataclass(frozen=True)
class Line:
    no: int  # 1-based line number in the file
    text: str
    code: bool  # inside (or delimiting) a fenced code block


_FENCE_RE = re.compile(r"^\s*(`{3,}|~{3,})")


def split_lines(text: str) -> list[Line]:
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    out: list[Line] = []
    fence: str | None = None
    for i, raw in enumerate(text.split("\n"), 1):
        raw = raw.rstrip()
        m = _FENCE_RE.match(raw)
        if fence is None:
            if m:
                fence = m.group(1)[0] * len(m.group(1))
                out.append(Line(i, raw, True))
            else:
                out.append(Line(i, raw, False))
        else:
            out.append(Line(i, raw, True))
            if m and m.group(1).startswith(fence) and raw.strip().strip(fence[0]) == "":
                fence = None
    return out


# ---------------------------------------------------------------------------- patterns

_COLON = "[:：]"
_HEADING_RE = re.compile(r"^(#{1,6})[ \t]*(.*?)[ \t#]*$")
_NUMBERED_TITLE_RE = re.compile(r"^(?:第\s*)?(\d{1,4})(?:\s*[\.．、)）]\s*|\s*题\s*[\.．、:：]?\s*|\s+)(\S.*)$")
_GROUP_TITLE_RE = re.compile(r"^[一二三四五六七八九十百零〇]+\s*[、\.．]")
# **标签：** rest   |  **标签**：rest   | ** 标签 : ** rest
_LABEL_RE = re.compile(
    r"^\*\*\s*(?P<a>[^*\n:：]{1,16}?)\s*(?:" + _COLON + r"\s*\*\*|\*\*\s*" + _COLON + r")\s*(?P<rest>.*)$"
)
_LIST_RE = re.compile(
    r"^(?P<indent>[ \t]*)(?:(?P<num>\d{1,3})(?:[\.．、)）]|\s(?=\S))|[(（](?P<pnum>\d{1,3})[)）]|(?P<bullet>[-*+•]))\s*(?P<rest>.*)$"
)
_TERM_RE = re.compile(r"^\*\*\s*(?P<term>[^*\n]+?)\s*(?:" + _COLON + r"\s*\*\*|\*\*\s*" + _COLON + r")\s*(?P<text>.*)$")
_TERM_NOCOLON_RE = re.compile(r"^\*\*\s*(?P<term>[^*\n]{1,30}?)\s*\*\*\s*(?P<text>.*)$")

PROMPT_LABELS = {"题目", "问题", "题干", "问"}
ANSWER_LABELS = {"答案", "参考答案", "回答", "答", "A", "Answer", "答复"}


@dataclass
class RawQuestion:
    title: str
    line: int
    body: list[Line]
    group: str | None = None


# ---------------------------------------------------------------------------- sections


def _clean(lines: Sequence[Line]) -> str:
    """Join lines into text, keeping code fences verbatim and trimming blank edges."""
    texts = [ln.text for ln in lines]
    while texts and not texts[0].strip():
        texts.pop(0)
    while texts and not texts[-1].strip():
        texts.pop()
    if not texts:
        return ""
    # Remove the common indentation of continuation lines so a list item's code fence and
    # paragraphs read naturally; the first line may start at column 0 after the marker.
    indents = [len(t) - len(t.lstrip()) for t in texts[1:] if t.strip()]
    cut = min(indents) if indents else 0
    out = "\n".join([texts[0].strip()] + [t[cut:] if t[:cut].strip() == "" else t.lstrip() for t in texts[1:]])
    return re.sub(r"\n{3,}", "\n\n", out)


def _list_match(ln: Line) -> re.Match[str] | None:
    if ln.code:
        return None
    m = _LIST_RE.match(ln.text)
    if not m:
        return None
    if m.group("bullet") and not m.group("rest").strip():
        return None
    if m.group("num") and not m.group("rest").strip():
        return None
    # "1 " numbering needs the rest to look like text, not a number table ("1 2 3")
    return m


def _split_term(text: str) -> tuple[str | None, str]:
    m = _TERM_RE.match(text)
    if m:
        return m.group("term").strip(), m.group("text").strip()
    return None, text.strip()


def _parse_block(label: str, first: str, body: Sequence[Line]) -> list[Section]:
    """One labelled block -> one section, or several when it holds several lists.

    Layout inside a block: lead paragraph(s), a list, a closing paragraph. A second list
    that follows a paragraph (``常见的激活函数包括：``) starts a new section under the same
    label, with that paragraph as its lead, so no list is merged into another.
    """
    kind = kind_for_label(label)
    lines = ([Line(body[0].no - 1 if body else 0, first, False)] if first.strip() else []) + list(body)
    sections: list[Section] = []
    lead: list[Line] = []
    items: list[tuple[str | None, list[Line]]] = []
    tail: list[Line] = []
    list_indent = -1

    def flush() -> None:
        nonlocal lead, items, tail
        if not (lead or items or tail):
            return
        sections.append(
            Section(
                label=label,
                kind=kind,
                lead=_clean(lead),
                items=tuple(ListItem(term=t, text=_clean(ls)) for t, ls in items),
                text=_clean(tail),
            )
        )
        lead, items, tail = [], [], []

    for ln in lines:
        m = _list_match(ln)
        if m and (not items or tail or len(m.group("indent").expandtabs(4)) <= list_indent):
            if tail:
                # a paragraph then a new list: the paragraph leads the new list
                new_lead = tail
                tail = []
                flush_lead = new_lead
                flush()
                lead = flush_lead
            term, rest = _split_term(m.group("rest"))
            items.append((term, [Line(ln.no, rest, False)]))
            list_indent = len(m.group("indent").expandtabs(4))
            continue
        if not items:
            lead.append(ln)
            continue
        if tail:
            tail.append(ln)
            continue
        indented = ln.text[:1] in (" ", "\t")
        if ln.code or indented or not ln.text.strip():
            items[-1][1].append(ln)
        else:
            tail.append(ln)
    flush()
    if not sections:
        sections.append(Section(label=label, kind=kind))
    # blank lines that trailed the last item belong to nobody
    return sections


@dataclass
class Body:
    prompt: str = ""
    answer: str = ""
    answer_line: int = 0
    sections: list[Section] = field(default_factory=list)
    unlabelled: str = ""


def parse_labelled_body(lines: Sequence[Line]) -> Body:
    """Split a question body at ``**标签：**`` lines into prompt, answer and sections."""
    body = Body()
    blocks: list[tuple[str, str, list[Line], int]] = []
    pre: list[Line] = []
    for ln in lines:
        m = None if ln.code else _LABEL_RE.match(ln.text)
        if m:
            blocks.append((m.group("a").strip(), m.group("rest"), [], ln.no))
        elif blocks:
            blocks[-1][2].append(ln)
        else:
            pre.append(ln)
    body.unlabelled = _clean(pre)
    for label, first, blines, no in blocks:
        if label in PROMPT_LABELS:
            body.prompt = _clean([Line(no, first, False), *blines])
            continue
        secs = _parse_block(label, first, blines)
        if label in ANSWER_LABELS:
            body.answer = _clean([Line(no, first, False), *blines])
            body.answer_line = no
            if any(s.items for s in secs):
                body.sections.extend(replace(s, label="答案", kind=SectionKind.ANSWER) for s in secs)
            continue
        body.sections.extend(secs)
    return body


# ---------------------------------------------------------------------------- aliases

_ALIAS_RE = re.compile(r"([\u4e00-\u9fffA-Za-z0-9]+?)\s*[（(]([^（）()\n]{1,60})[）)]")
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
)
_ALIAS_STRIP = re.compile(r"^(?:简称|又称|又叫|也称|或称|即|英文|英文名)\s*[:：]?\s*")


# Only separators that cannot sit inside a term: 对/为/用 would cut 生成对抗网络.
_SUBJECT_SEPS = ("的", "中", "是", "通过", "使用", "利用", "采用", "包括", "例如", "比如")


def _subject(run: str) -> str:
    for sep in _SUBJECT_SEPS:
        if sep in run[1:]:
            head, tail = run.rsplit(sep, 1)
            if len(tail) >= 2:
                run = tail
    changed = True
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
    for text in texts:
        for m in _ALIAS_RE.finditer(text):
            inner = m.group(2).strip()
            if not re.search(r"[A-Za-z]", inner) or re.match(r"^(如|例如|比如|通常|包括|即|约)", inner):
                continue
            subject = _subject(m.group(1))
            if not re.search(r"[\u4e00-\u9fff]", subject) or len(subject) < 2:
                continue
            names = [subject]
            for part in re.split(r"[，,、;；/]|\s或\s", inner):
                part = _ALIAS_STRIP.sub("", part.strip()).strip()
                if part and len(part) <= 40 and re.search(r"[A-Za-z]", part):
                    names.append(part)
            if len(names) < 2:
                continue
            for g in groups:
                if normalize(g[0]) == normalize(subject):
                    for n in names[1:]:
                        if normalize(n) not in {normalize(x) for x in g}:
                            g.append(n)
                    break
            else:
                groups.append(names)
    return tuple(tuple(g) for g in groups)


# ---------------------------------------------------------------------------- layouts


@dataclass(frozen=True)
class Layout:
    name: str
    description: str
    detect: Callable[[list[Line]], float]
    split: Callable[[list[Line], str], tuple[list[Question], list[Warning_]]]


def _headings(lines: list[Line]) -> list[tuple[int, int, str]]:
    """(index, level, title) of Markdown headings outside code fences."""
    out = []
    for i, ln in enumerate(lines):
        if ln.code or not ln.text.startswith("#"):
            continue
        m = _HEADING_RE.match(ln.text)
        if m and (len(m.group(1)) >= 1) and m.group(2):
            out.append((i, len(m.group(1)), m.group(2).strip()))
    return out


def _has_answer_label(lines: Sequence[Line]) -> bool:
    for ln in lines:
        if ln.code:
            continue
        m = _LABEL_RE.match(ln.text)
        if m and m.group("a").strip() in ANSWER_LABELS:
            return True
    return False


def _detect_labelled(lines: list[Line]) -> float:
    n_labels = sum(1 for ln in lines if not ln.code and _LABEL_RE.match(ln.text))
    n_answers = sum(
        1
        for ln in lines
        if not ln.code and (m := _LABEL_RE.match(ln.text)) and m.group("a").strip() in ANSWER_LABELS
    )
    heads = [h for h in _headings(lines) if h[1] >= 2]
    if not n_answers or not heads:
        return 0.0
    return min(1.0, n_answers / max(1, len(heads))) * (1.0 if n_labels >= n_answers else 0.5)


def _split_by_headings(lines: list[Line], where: str) -> list[RawQuestion]:
    """Cut the document at headings. A heading whose body has an answer label, or that is
    numbered with Arabic digits, is a question; ``## 一、…`` and empty headings are groups."""
    heads = _headings(lines)
    raws: list[RawQuestion] = []
    group: str | None = None
    for k, (i, level, title) in enumerate(heads):
        end = heads[k + 1][0] if k + 1 < len(heads) else len(lines)
        body = lines[i + 1 : end]
        has_text = any(ln.text.strip() for ln in body)
        numbered = _NUMBERED_TITLE_RE.match(title)
        if level == 1 or _GROUP_TITLE_RE.match(title) or (not has_text and not numbered):
            if level >= 1:
                group = re.sub(r"^[一二三四五六七八九十百零〇]+\s*[、\.．]\s*", "", title) if level > 1 else group
            continue
        if not numbered and not _has_answer_label(body):
            continue  # a plain heading (前言, 说明) that is not a question
        clean_title = numbered.group(2).strip() if numbered else title
        raws.append(RawQuestion(title=clean_title, line=lines[i].no, body=list(body), group=group))
    return raws


def _split_labelled(lines: list[Line], where: str) -> tuple[list[Question], list[Warning_]]:
    questions: list[Question] = []
    warnings: list[Warning_] = []
    for raw in _split_by_headings(lines, where):
        body = parse_labelled_body(raw.body)
        answer = body.answer
        sections = body.sections
        flags: list[str] = []
        if not answer and body.unlabelled and not body.prompt and not sections:
            answer = body.unlabelled  # heading + paragraph answer
        elif body.unlabelled and not body.prompt:
            # keep text written before the first label, e.g. a question's context
            body.prompt = body.unlabelled
        if not answer:
            flags.append("no_answer")
            warnings.append(
                Warning_(f"{where}:{raw.line}", f"question {raw.title!r} has no answer; kept and flagged no_answer")
            )
        questions.append(_question(raw, body.prompt, answer, sections, flags))
    return questions, warnings


def _question(raw: RawQuestion, prompt: str, answer: str, sections: Sequence[Section], flags: Sequence[str]) -> Question:
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
    )


def _detect_heading_paragraph(lines: list[Line]) -> float:
    raws = _split_by_headings(lines, "")
    if not raws:
        return 0.0
    with_text = sum(1 for r in raws if any(ln.text.strip() for ln in r.body))
    return 0.5 * with_text / len(raws)


def _split_heading_paragraph(lines: list[Line], where: str) -> tuple[list[Question], list[Warning_]]:
    # Same cutting as the labelled layout; a body without labels is the answer.
    return _split_labelled(lines, where)


LAYOUTS: list[Layout] = [
    Layout(
        "labelled",
        "headings `### N. 标题` with `**题目：**` / `**答案：**` / `**解析：**` blocks",
        _detect_labelled,
        _split_labelled,
    ),
    Layout(
        "heading-paragraph",
        "headings `### N、问题？` each followed by a paragraph answer",
        _detect_heading_paragraph,
        _split_heading_paragraph,
    ),
]


def layout_names() -> list[str]:
    return [lay.name for lay in LAYOUTS]


# ---------------------------------------------------------------------------- bank


def _assign_ids(questions: list[Question]) -> list[Question]:
    seen: dict[str, int] = {}
    out = []
    for n, q in enumerate(questions, 1):
        qid = question_id(q.title, seen)
        base = qid.split("-")[0]
        seen[base] = seen.get(base, 0) + 1
        out.append(replace(q, id=qid, number=n))
    return out


def _dup_key(q: Question) -> str:
    return normalize(q.title) + "\n" + normalize(q.answer)


def mark_duplicates(questions: list[Question], threshold: float = DUPLICATE_THRESHOLD) -> list[Question]:
    """Mark each question whose normalised title+answer (or long answer alone) matches an
    earlier one's at rapidfuzz ratio >= `threshold` with ``duplicate_of: <earlier id>``."""
    from rapidfuzz import fuzz

    out: list[Question] = []
    originals: list[Question] = []
    for q in questions:
        key = _dup_key(q)
        ans = normalize(q.answer)
        best: Question | None = None
        for o in originals:
            if fuzz.ratio(key, _dup_key(o), score_cutoff=threshold):
                best = o
                break
            oans = normalize(o.answer)
            if (
                len(ans) >= DUPLICATE_MIN_ANSWER
                and len(oans) >= DUPLICATE_MIN_ANSWER
                and fuzz.ratio(ans, oans, score_cutoff=ANSWER_DUPLICATE_THRESHOLD)
            ):
                best = o
                break
        if best is not None:
            out.append(replace(q, duplicate_of=best.id))
        else:
            out.append(q)
            originals.append(q)
    return out


def parse_text(
    text: str,
    *,
    source_name: str = "<text>",
    layout: str = "auto",
    title: str | None = None,
    dedup: bool = False,
    sha256: str | None = None,
) -> ParseResult:
    """Parse notes text into a bank. Raises `ParseError` when no layout fits."""
    lines = split_lines(text)
    if not any(ln.text.strip() for ln in lines):
        raise ParseError(
            "the file is empty", where=source_name, hint="give a notes file with questions, e.g. `### 1. 标题` blocks"
        )
    if layout == "auto":
        scored = sorted(((lay.detect(lines), i, lay) for i, lay in enumerate(LAYOUTS)), key=lambda t: (-t[0], t[1]))
        best_score, _, chosen = scored[0]
        if best_score <= 0:
            expected = "; ".join(f"{lay.name}: {lay.description}" for lay in LAYOUTS)
            raise ParseError(
                "no question layout recognised",
                where=source_name,
                hint=f"quizgen reads these layouts: {expected}",
            )
    else:
        found = [lay for lay in LAYOUTS if lay.name == layout]
        if not found:
            raise ParseError(f"unknown layout {layout!r}", where=source_name, hint=f"use one of: {', '.join(layout_names())}")
        chosen = found[0]
    questions, warnings = chosen.split(lines, source_name)
    if not questions:
        expected = "; ".join(f"{lay.name}: {lay.description}" for lay in LAYOUTS)
        raise ParseError("no questions found", where=source_name, hint=f"quizgen reads these layouts: {expected}")
    questions = mark_duplicates(_assign_ids(questions))
    if dedup:
        questions = [q for q in questions if q.duplicate_of is None]
    digest = sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest()
    name = Path(source_name).name
    bank = Bank(
        title=title or Path(source_name).stem,
        questions=tuple(questions),
        source=Source(file=name, sha256=digest, layout=chosen.name),
    )
    return ParseResult(bank=bank, warnings=warnings, layout=chosen.name)


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
