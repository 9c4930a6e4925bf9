"""Chinese Q&A notes -> question bank. Pure: text in, bank out; never prints.

The pipeline, a module per step:

1. `decode`: bytes -> text (encodings detected), control characters removed with a note.
2. `containers` + `blocks`: Markdown -> blocks with line numbers, by a real CommonMark parser
   (pyromark); MkDocs admonitions, ``:::`` containers and Obsidian callouts as containers.
3. `segment` + `units`: blocks -> question units from general cues, combined: question
   headings at any level, numbered list items that ask, block-quoted questions, bold
   questions, ``Q:``/``问：``/``【问题】`` markers, ``<details>`` questions, admonitions,
   flashcard lines, Q&A tables, and (for free-form notes) paragraphs that ask and
   ``*术语*：定义`` cards. Group headings name the questions' group; a case or passage shared by
   several questions becomes their context.
4. `body`: a unit's blocks -> prompt, answer, labelled sections, and an authored question's
   options and key (choice, true/false, fill-in) kept as written.
5. `aliases`, `duplicates`: alias groups (卷积神经网络 = CNN), stable ids, near-duplicates.

Nothing is dropped silently: a question without an answer is kept, flagged ``no_answer`` and
warned; text that is part of no question is reported with its lines; when the file is read
in an unusual way (free-form prose, headings as terms) a warning says so and how to force
another reading (``--layout``, ``--rules``). `explain` lists, line range by line range, what
was read as what.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

from quizgen.bank import BLANK, NOTES_SUFFIXES, Bank, Question, QuestionKind, Source, detect_kind, gc_paused
from quizgen.errors import InputError, ParseError, UsageError
from quizgen.parse import blocks as blocks_mod
from quizgen.parse import shapes
from quizgen.parse.aliases import extract_aliases
from quizgen.parse.blocks import Block, Document, Kind
from quizgen.parse.body import build, skip_block
from quizgen.parse.decode import clean_text, decode
from quizgen.parse.duplicates import (
    DUPLICATE_THRESHOLD,
    assign_ids,
    mark_duplicates,
    repeated_refs,
)
from quizgen.parse.model import FLAG_ANSWER_UNMARKED, FLAG_NO_ANSWER, ParseResult, ParseWarning, Span
from quizgen.parse.rules import CUES, LEGACY_LAYOUTS, Rules, front_matter_rules, load_rules, merge
from quizgen.parse.segment import Segmentation, segment
from quizgen.parse.units import FREE_FORM, Unit

__all__ = [
    "DUPLICATE_THRESHOLD",
    "FLAG_ANSWER_UNMARKED",
    "FLAG_NO_ANSWER",
    "ParseResult",
    "ParseWarning",
    "Rules",
    "Span",
    "cue_names",
    "decode",
    "extract_aliases",
    "load_rules",
    "mark_duplicates",
    "parse_bytes",
    "parse_file",
    "parse_text",
]


def cue_names() -> tuple[str, ...]:
    """What ``--layout`` accepts besides ``auto``: one cue, or an old layout name."""
    return (*CUES, *LEGACY_LAYOUTS)


_WHAT_WE_LOOK_FOR = (
    "question headings (`### 1. 什么是X？`, `## 题目12：`), numbered items that ask (`1. 问题？` with the "
    "answer below), `Q:`/`问：`/`**问题：**` with `A:`/`答：`/`**答案：**`, block-quoted questions, "
    "`<details><summary>问题？</summary>`, admonitions (`??? question`), flashcards (`问题::答案`), "
    "Q&A tables; force a reading with --layout (e.g. --layout heading-term reads each heading as a term "
    "to explain) or --rules"
)


def _rules_for_layout(layout: str) -> Rules:
    if layout in ("", "auto"):
        return Rules()
    if layout in LEGACY_LAYOUTS:
        return Rules(cues=frozenset(LEGACY_LAYOUTS[layout]))
    if layout in CUES:
        free = True if layout in FREE_FORM else None
        return Rules(cues=frozenset({layout}), free_form=free)
    raise UsageError(f"unknown layout {layout!r}", hint=f"use auto or one of: {', '.join(cue_names())}")


def parse_text(
    text: str,
    *,
    source_name: str = "<text>",
    layout: str = "auto",
    title: str | None = None,
    dedup: bool = False,
    sha256: str | None = None,
    rules: Rules | None = None,
) -> ParseResult:
    """Parse notes text into a bank (with the warnings, each ``file:line: message``).

    `layout` is ``auto`` or a cue name (`cue_names()`); `rules` override detection (see
    `quizgen.parse.rules`). Raises `ParseError` when the file holds no question."""
    forced = _rules_for_layout(layout)
    with gc_paused():
        return _parse(text, source_name, forced, rules or Rules(), title, dedup, sha256)


def _parse(
    text: str,
    where: str,
    forced: Rules,
    given: Rules,
    title: str | None,
    dedup: bool,
    sha256: str | None,
) -> ParseResult:
    _refuse_data_file(text, where)
    text, notes = clean_text(text)
    warnings = [ParseWarning(f"{where}:{no}", msg) for no, msg in notes]
    if not text.strip():
        raise ParseError(
            "the file is empty",
            where=where,
            hint="give a notes file with questions, e.g. `### 1. 标题` blocks",
        )
    text, fence_notes = _close_runaway_fence(text)
    warnings.extend(ParseWarning(f"{where}:{no}", msg) for no, msg in fence_notes)
    doc = blocks_mod.parse(text)
    rules = merge(merge(front_matter_rules(doc.front_matter, where), forced), given)
    seg = segment(
        doc,
        only=rules.cues,
        question_level=rules.question_level,
        free_form=rules.free_form,
        question_re=rules.question,
        answer_re=rules.answer,
    )
    if not seg.units:
        what = (
            f"no questions found with the cues {', '.join(sorted(rules.cues))}"
            if rules.cues
            else "no questions found"
        )
        raise ParseError(what, where=where, hint=f"quizgen looks for {_WHAT_WE_LOOK_FOR}")
    questions, spans, qwarn = _questions(doc, seg, where, rules)
    if not questions:
        raise ParseError("no questions found", where=where, hint=f"quizgen looks for {_WHAT_WE_LOOK_FOR}")
    warnings.extend(qwarn)
    warnings.extend(_loose_text(seg, where, doc.lines))
    reading = _reading(seg)
    if seg.free_form and rules.free_form is None:
        warnings.append(
            ParseWarning(
                where,
                "free-form notes: questions read from paragraphs that ask and from `*术语*：定义` lines "
                f"({seg.cues['paragraph']} + {seg.cues['card']}); "
                "--rules with `free_form: false` turns this off",
            )
        )
    questions = mark_duplicates(assign_ids(questions))
    warnings.extend(repeated_refs(questions, where))
    if dedup:
        questions = [q for q in questions if q.duplicate_of is None]
    digest = sha256 or hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    bank = Bank(
        title=title if title is not None else Path(where).stem,
        questions=tuple(questions),
        source=Source(file=Path(where).name, sha256=digest, layout=reading),
    )
    warnings.sort(key=_warning_order)
    return ParseResult(
        bank=bank, warnings=warnings, layout=reading, spans=sorted(spans, key=lambda s: s.start)
    )


def _reading(seg: Segmentation) -> str:
    """How the file was read, for the bank and the summary line: the cues by frequency."""
    if not seg.cues:
        return ""
    return "+".join(name for name, _ in seg.cues.most_common())


def _questions(
    doc: Document, seg: Segmentation, where: str, rules: Rules
) -> tuple[list[Question], list[Span], list[ParseWarning]]:
    built = [(u, build(doc, u, answer_re=rules.answer)) for u in seg.units]
    # An answer marker is expected when most questions found the same way have one (an FAQ's
    # `A:`): one without it is flagged answer_unmarked rather than passing silently.
    by_cue: dict[str, Counter[bool]] = {}
    for u, b in built:
        if b.answer:
            by_cue.setdefault(u.cue, Counter())[b.marked] += 1
    questions: list[Question] = []
    spans: list[Span] = []
    warnings: list[ParseWarning] = []
    for u, b in built:
        flags: list[str] = []
        for no, msg in b.notes:
            warnings.append(ParseWarning(f"{where}:{no}", msg))
        counts = by_cue.get(u.cue, Counter())
        title = _clean_title(u.fill_title or u.title)
        if not re.search(r"[^\W\d_]", title) and b.prompt:
            title = _clean_title(b.prompt.split("\n", 1)[0])  # "## 第 1 题 🟢": the question is its text
        if not title.strip():
            warnings.append(
                ParseWarning(f"{where}:{u.line}", "a question marker with no question text; skipped")
            )
            continue
        if b.answer and not b.marked and counts[True] > 2 * counts[False] and counts[True] >= 3:
            flags.append(FLAG_ANSWER_UNMARKED)
            warnings.append(
                ParseWarning(
                    f"{where}:{u.line}",
                    f"question {title!r} has no answer marker; "
                    f"its text (line {b.unlabelled_line or b.answer_line}) "
                    f"was taken as the answer and flagged {FLAG_ANSWER_UNMARKED}",
                )
            )
        answer = b.answer
        kind, blanks = b.kind, u.blanks
        if not answer and not blanks and kind is QuestionKind.OPEN:
            title, blanks = _filled_blanks(title)  # 激动__α____受体: the answer is in the blank
            if blanks:
                kind = QuestionKind.FILL
                answer = _filled(title, blanks)
        if u.blanks and not answer:
            answer = _filled(u.fill_title, u.blanks)
        if not answer.strip():
            flags.append(FLAG_NO_ANSWER)
            warnings.append(
                ParseWarning(
                    f"{where}:{u.line}",
                    f"question {title!r} has no answer; kept and flagged {FLAG_NO_ANSWER}",
                )
            )
        context = "\n\n".join(x for x in (u.context, b.context) if x)
        q = Question(
            id="",
            number=0,
            title=title,
            prompt=b.prompt,
            answer=answer,
            sections=tuple(b.sections),
            aliases=extract_aliases(u.title, b.prompt, answer),
            line=u.line,
            group=u.group,
            flags=tuple(flags),
            ref=u.ref,
            kind=kind,
            blanks=blanks,
            context=context,
        )
        questions.append(q)
        spans.extend(_spans_of(u, b))
    for h in seg.headings:
        if h.role in ("group", "context", "title"):
            spans.append(Span(h.block.line, h.block.end, h.role, h.block.text.strip()))
    return questions, spans, warnings


_CODE_SPAN_RE = re.compile(r"(`+)(.+?)\1")


def _clean_title(title: str) -> str:
    """Emphasis markers the Markdown parser left as text (unbalanced ``*…**…*``) out of a title;
    inline code keeps its asterisks."""
    if "*" not in title:
        return title
    parts = _CODE_SPAN_RE.split(title)
    out = []
    k = 0
    while k < len(parts):
        if k + 2 < len(parts) and k % 3 == 1:
            out.append(parts[k] + parts[k + 1] + parts[k])
            k += 2
            continue
        out.append(parts[k].replace("*", "") if k % 3 == 0 else parts[k])
        k += 1
    return re.sub(r"\s{2,}", " ", "".join(out)).strip()


def _filled(title: str, blanks: tuple[str, ...]) -> str:
    out = title
    for b in blanks:
        out = out.replace(BLANK, b, 1)
    return out


def _filled_blanks(title: str) -> tuple[str, tuple[str, ...]]:
    """ "激动__α____受体" -> ("激动＿＿＿受体", ("α",)); unchanged when it has no such blank."""
    found = shapes.filled_blanks(title)
    if not found or not all(found):
        return title, ()
    return shapes.replace_filled(title, BLANK), tuple(found)


def _spans_of(u: Unit, b: object) -> list[Span]:
    head_end = max([u.line, *(x.end for x in u.head if x.kind is not Kind.CONTAINER)])
    if u.cue in ("table", "flashcard", "marker"):
        head_end = u.line
    out = [Span(u.line, head_end, "question", f"{u.cue}: {u.fill_title or u.title}")]
    last = u.last_line()
    if last > head_end:
        out.append(Span(head_end + 1, last, "answer", f"of the question on line {u.line}"))
    elif u.inline_answer:
        out[0] = replace(out[0], detail=out[0].detail + " (answer on the same line)")
    return out


_STRUCTURE_ONLY = (Kind.RULE, Kind.HEADING)


def _loose_text(seg: Segmentation, where: str, seg_lines: list[str]) -> list[ParseWarning]:
    """One warning per stretch of text that is part of no question."""
    first_q = seg.units[0].line if seg.units else 0
    last_q = seg.units[-1].line if seg.units else 0
    out = []
    for stretch in seg.loose:
        text_blocks = [
            b
            for b in stretch
            if b.kind not in _STRUCTURE_ONLY and not skip_block(b) and not _toc(b) and not _bold_label(b)
        ]
        if not text_blocks:
            continue
        doc_lines = seg_lines
        taken = sorted(
            {
                n
                for b in text_blocks
                for n in range(b.line, b.end + 1)
                if n <= len(doc_lines) and doc_lines[n - 1].strip()
            }
        )
        if not taken:
            continue
        start, end = taken[0], taken[-1]
        lines = len(taken)
        pos = (
            "before the first question"
            if end < first_q
            else "after the last question"
            if start > last_q
            else "between questions"
        )
        span = f"{start}-{end}" if end > start else f"{start}"
        out.append(
            ParseWarning(
                f"{where}:{span}",
                f"text {pos} is not part of any question ({lines} line{'s' if lines != 1 else ''})",
            )
        )
    return out


def _bold_label(b: Block) -> bool:
    """``**基础篇（60分以下必掌握）**``: a bold line used as a sub-heading."""
    if b.kind is not Kind.PARAGRAPH or "\n" in b.text or len(b.text) > 40:
        return False
    return any(m.kind == "strong" and m.start == 0 and m.end >= len(b.text.rstrip("：: ")) for m in b.marks)


_TAGS_ONLY_RE = re.compile(r"(?:#[^\s#]+\s*)+")


def _toc(b: Block) -> bool:
    """A table of contents, a link list or an anchor: navigation, not lost text."""
    if b.kind is Kind.LIST:
        return all(_toc(c) for c in b.children)
    if b.kind is Kind.ITEM:
        return all(_toc(c) for c in b.children)
    if b.kind is Kind.PARAGRAPH:
        from quizgen.parse.units import _links_only

        # links, only an anchor or image, or only tags (#flashcards)
        return _links_only(b) or not b.text.strip() or bool(_TAGS_ONLY_RE.fullmatch(b.text.strip()))
    return False


_FENCE_LINE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$", re.M)


def _close_runaway_fence(text: str) -> tuple[str, list[tuple[int, str]]]:
    """A code fence that is never closed runs to the end of the file in CommonMark and would
    swallow every question after it: close it at the blank line before the next ``## `` heading."""
    if "```" not in text and "~~~" not in text:
        return text, []
    fence: tuple[str, int, int] | None = None
    # only lines that look like fences change the state: find them, counting lines as we go
    line, pos = 0, 0
    for m in _FENCE_LINE_RE.finditer(text):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        if fence is None:
            if not (m.group(1)[0] == "`" and "`" in m.group(2)):
                fence = (m.group(1)[0], len(m.group(1)), line)
            continue
        if m.group(1)[0] == fence[0] and len(m.group(1)) >= fence[1] and not m.group(2).strip():
            fence = None
    if fence is None:
        return text, []
    lines = text.split("\n")
    opened = fence[2]
    stop = next(
        (k for k in range(opened + 1, len(lines)) if re.match(r"^ {0,3}#{2,6}[ \t]+\S", lines[k])), None
    )
    if stop is None:
        return text, [(opened + 1, "code fence opened here is never closed; it runs to the end of the file")]
    if stop - 1 > opened and not lines[stop - 1].strip():
        lines[stop - 1] = fence[0] * fence[1]
        return "\n".join(lines), [
            (
                opened + 1,
                f"code fence opened here is never closed; closed it before the heading on line {stop + 1}",
            )
        ]
    return text, [(opened + 1, "code fence opened here is never closed; it runs to the end of the file")]


def _refuse_data_file(text: str, where: str) -> None:
    """A bank or items file given as notes: say so (a cheap look at its top-level keys; a file
    named .md/.markdown/.txt is always read as notes)."""
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


def _warning_order(w: ParseWarning) -> int:
    if ":" not in w.where:
        return 0
    tail = w.where.rsplit(":", 1)[-1].split("-", 1)[0]
    return int(tail) if tail.isdigit() else 0


def parse_bytes(
    data: bytes,
    *,
    source_name: str = "<input>",
    encoding: str | None = None,
    layout: str = "auto",
    title: str | None = None,
    dedup: bool = False,
    rules: Rules | None = None,
) -> ParseResult:
    text = decode(data, encoding=encoding, where=source_name)
    return parse_text(
        text,
        source_name=source_name,
        layout=layout,
        title=title,
        dedup=dedup,
        sha256=hashlib.sha256(data).hexdigest(),
        rules=rules,
    )


def parse_file(
    path: str | Path,
    *,
    encoding: str | None = None,
    layout: str = "auto",
    title: str | None = None,
    dedup: bool = False,
    rules: Rules | None = None,
) -> ParseResult:
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", where=str(p), hint="check the path") from None
    except IsADirectoryError:
        raise InputError(
            "is a directory, expected a notes file",
            where=str(p),
            hint="give one notes file (.md), e.g. `quizgen parse notes/chapter1.md`",
        ) from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", where=str(p)) from None
    return parse_bytes(
        data, source_name=str(p), encoding=encoding, layout=layout, title=title, dedup=dedup, rules=rules
    )
