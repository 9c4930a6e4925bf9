"""Rich renderings of bank records and of the quiz screens. All bank text goes in as `Text`,
never as markup, so ``[b]`` in a question prints as typed."""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from quizgen.bank import Bank, Question, Section, SectionKind
from quizgen.i18n import N_, _, ngettext
from quizgen.items import LETTERS, Item, ItemType
from quizgen.session import DueCounts, WeakQuestion
from quizgen.ui.console import Clip
from quizgen.ui.flow import Flow

if TYPE_CHECKING:
    from quizgen.session import AnswerRecord, SessionInfo, Summary


def _note(q: Question, bank: Bank) -> Text:
    if q.duplicate_of:
        orig = bank.get(q.duplicate_of)
        return Text(f"duplicate of #{orig.number}" if orig else "duplicate", style="yellow")
    if not q.has_answer:
        return Text("no answer", style="yellow")
    if "answer_unmarked" in q.flags:
        return Text("answer unmarked", style="yellow")
    return Text("")


def render_question_list(bank: Bank) -> RenderableType:
    t = Table(title=Text(bank.title), show_lines=False, expand=False)
    t.add_column("#", justify="right", no_wrap=True)
    t.add_column("id", no_wrap=True, style="dim")
    t.add_column("title")
    t.add_column("sections", justify="right", no_wrap=True)
    t.add_column("note", no_wrap=True)
    for q in bank.questions:
        t.add_row(str(q.number), Text(q.id), Text(q.title), str(len(q.sections)), _note(q, bank))
    return t


def _list_table(section: Section) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(overflow="fold")
    options = section.kind is SectionKind.OPTIONS
    for i, it in enumerate(section.items, 1):
        if options:
            grid.add_row(Text(f"{it.term}." if it.term else f"{i}."), Flow(Text(it.text)))
        else:
            body = Flow(Text.assemble((f"{it.term}：", "bold"), it.text) if it.term else Text(it.text))
            grid.add_row(f"{i}.", body)
    return grid


def render_question(q: Question, bank: Bank | None = None) -> RenderableType:
    parts: list[RenderableType] = []
    meta = Text(f"id {q.id}", style="dim")
    if q.line:  # 0: written by hand, not parsed from notes
        meta.append(f" · line {q.line}", style="dim")
    if q.ref:
        meta.append(f" · written as {q.ref}", style="dim")
    if q.group:
        meta.append(f" · {q.group}", style="dim")
    if q.duplicate_of:
        orig = bank.get(q.duplicate_of) if bank else None
        meta.append(f" · duplicate of #{orig.number if orig else q.duplicate_of}", style="yellow")
    if q.flags:
        meta.append(f" · {', '.join(q.flags)}", style="yellow")
    parts.append(meta)
    if q.prompt:
        parts.append(Flow(Text.assemble(("题目：", "bold cyan"), q.prompt)))
    options = q.section(SectionKind.OPTIONS)
    if options is not None:
        parts.append(Text("选项：", style="bold magenta"))
        parts.append(_list_table(options))
    if q.answer:
        parts.append(Flow(Text.assemble(("答案：", "bold green"), q.answer)))
    else:
        parts.append(Text("（无答案）", style="bold yellow"))
    for s in q.sections:
        if s.kind in (SectionKind.ANSWER, SectionKind.OPTIONS):
            continue
        parts.append(Flow(Text.assemble((f"{s.label}：", "bold magenta"), s.lead)))
        if s.items:
            parts.append(_list_table(s))
        if s.text:
            parts.append(Flow(Text(s.text)))
    if q.aliases:
        parts.append(Text("别名：" + "；".join(" = ".join(g) for g in q.aliases), style="dim"))
    return Panel(Group(*parts), title=Text(f"{q.number}. {q.title}"), title_align="left", expand=True)


# ---------------------------------------------------------------------------- quiz screens
#
# Everything the quiz, review, resume, history and stats commands show, in the language set by
# `quizgen.i18n.set_language` (every message goes through `_`). Bank text goes in as `Text`.

TYPE_NAMES = {
    "choice": N_("single choice"),
    "multi": N_("multiple choice"),
    "fill": N_("fill in the blank"),
    "order": N_("ordering"),
    "match": N_("matching"),
    "tf": N_("true/false"),
    "short": N_("short answer"),
}
STATUS_NAMES = {
    "active": N_("active"),
    "finished": N_("finished"),
    "quit": N_("quit"),
    "interrupted": N_("interrupted"),
    "timeout": N_("time up"),
}
KIND_NAMES = {"quiz": N_("quiz"), "review": N_("review")}
RATING_NAMES = {1: N_("Again"), 2: N_("Hard"), 3: N_("Good"), 4: N_("Easy")}
# What each rating means as a verdict on the answer.
RATING_VERDICTS = {1: N_("wrong"), 2: N_("partly right"), 3: N_("right"), 4: N_("right, easy")}
EXPLANATION_LABEL = re.compile(r"^\s*解析\s*[：:]\s*")


def type_name(t: ItemType | str) -> str:
    value = t if isinstance(t, str) else t.value
    return _(TYPE_NAMES.get(value, value))


def fmt_secs(s: float) -> str:
    s = max(0.0, s)
    if s < 60:
        return _("{s:.1f}s").format(s=s)
    m, sec = divmod(round(s), 60)
    if m < 60:
        return _("{m}m{s:02d}s").format(m=m, s=sec)
    h, m = divmod(m, 60)
    return _("{h}h{m:02d}m").format(h=h, m=m)


def fmt_interval(d: timedelta) -> str:
    """How long until an item comes back, Anki style: 10m, 5h, 3d."""
    minutes = max(1, round(d.total_seconds() / 60))
    if minutes < 60:
        return _("{n}m").format(n=minutes)
    if minutes < 24 * 60:
        return _("{n}h").format(n=round(minutes / 60))
    return _("{n}d").format(n=round(minutes / (24 * 60)))


def num(x: float) -> str:
    return f"{round(x, 2):g}"


def _pct(x: float) -> str:
    return f"{x:.0%}"


class Segments:
    """Short pieces joined by " · ", wrapped between pieces only: a narrow terminal never
    breaks "h hint" or a command in two."""

    def __init__(self, pieces: list[Text], style: str = "") -> None:
        self.pieces = [p for p in pieces if p.plain]
        self.style = style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(1, options.max_width)
        sep = Text(" · ", style="dim")
        lines: list[Text] = []
        line = Text()
        for piece in self.pieces:
            if line.plain and line.cell_len + sep.cell_len + piece.cell_len > width:
                lines.append(line)
                line = Text()
            if line.plain:
                line.append_text(sep)
            line.append_text(piece)
        if line.plain or not lines:
            lines.append(line)
        out = Text("\n", style=self.style).join(lines)
        yield Flow(out)  # a piece wider than the terminal still wraps, CJK-aware

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        full = Text(" · ").join(self.pieces)
        return Measurement(
            min(full.cell_len, max(p.cell_len for p in self.pieces) if self.pieces else 0), full.cell_len
        )


def _key(key: str, what: str) -> Text:
    return Text.assemble((key, "bold"), " ", what)


def _how(item: Item) -> str:
    """How to answer, as short as an example."""
    from quizgen.answers import example_for

    t = item.type.value
    if t == "order":
        ex = example_for(item)
        return _("{numbers} or {letters}").format(
            numbers=ex, letters="".join(LETTERS[int(k) - 1] for k in ex.split())
        )
    if t in ("choice", "multi", "match"):
        return example_for(item)
    return {"tf": _("对 / 错"), "fill": _("the missing words"), "short": _("a few sentences")}.get(t, "")


def _options_grid(labels: list[str], texts: Collection[str]) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True, style="bold")
    grid.add_column(overflow="fold")
    for label, text in zip(labels, texts, strict=False):
        grid.add_row(label, Flow(Text(text)))
    return grid


def render_item(item: Item, number: int, total: int, time_left: float | None = None) -> RenderableType:
    parts: list[RenderableType] = [Flow(Text(item.stem))]
    if item.left:
        parts.append(Text(""))
        parts.append(_options_grid([f"{i}." for i in range(1, len(item.left) + 1)], item.left))
    if item.options:
        parts.append(Text(""))
        parts.append(_options_grid([f"{c}." for c in LETTERS[: len(item.options)]], item.options))
    parts.append(
        Segments(
            [
                Text(_("Answer like: {example}").format(example=_how(item))),
                _key("?", _("help")),
                _key("h", _("hint")),
                _key("s", _("skip")),
                _key("q", _("quit")),
            ],
            style="dim",
        )
    )
    title = Text(f"{number}/{total} · {type_name(item.type)}", style="bold")
    if item.points != 1.0:
        title.append(" · " + ngettext("{n} point", "{n} points", int(item.points)).format(n=num(item.points)))
    if time_left is not None:
        m, sec = divmod(max(0, int(time_left)), 60)
        title.append(" · " + _("{time} left").format(time=f"{m}:{sec:02d}"), style="yellow")
    return Panel(Group(*parts), title=title, title_align="left", expand=True, padding=(0, 1))


def _option(item: Item, letter: str) -> str:
    i = LETTERS.index(letter) if letter in LETTERS else -1
    return item.options[i] if 0 <= i < len(item.options) else ""


def answer_text(item: Item) -> Text:
    """The right answer, with the option texts it stands for."""
    from quizgen.answers import format_answer

    t = item.type.value
    if t == "choice":
        return Text(f"{item.answer[0]}. {_option(item, item.answer[0])}")
    if t == "multi":
        return Text("\n".join([format_answer(item), *(f"{a}. {_option(item, a)}" for a in item.answer)]))
    if t == "order":
        steps = [f"{k}. {a}. {_option(item, a)}" for k, a in enumerate(item.answer, 1)]
        return Text("\n".join([format_answer(item), *steps]))
    if t == "match":
        pairs = [f"{i}. {item.left[i - 1]} → {a}. {_option(item, a)}" for i, a in enumerate(item.answer, 1)]
        return Text("\n".join([format_answer(item), *pairs]))
    if t == "fill":
        main = format_answer(item)
        others = [a for a in dict.fromkeys(item.accept) if a != main]
        return Text(main + (_("  (also: {others})").format(others="、".join(others)) if others else ""))
    return Text(format_answer(item))


def _labelled(label: str, body: Text | str, style: str = "bold") -> Flow:
    return Flow(Text.assemble((label, style), body if isinstance(body, Text) else Text(body)))


def _verdict(item: Item, rec: AnswerRecord) -> Text:
    score = f"{num(rec.score)}/{num(rec.max_score)} ({_pct(rec.fraction)})"
    full = rec.correct and rec.fraction >= 1.0
    if rec.outcome.value == "skipped":
        head = Text("→ " + _("Skipped"), style="bold yellow")
    elif rec.correct and (full or item.type.value != "short"):
        head = Text("✓ " + _("Right"), style="bold green")
        if not full:
            head.append(f"  {score}")
        elif rec.max_score != 1.0:
            head.append(f"  {num(rec.score)}/{num(rec.max_score)}")
    elif rec.correct:
        head = Text("✓ " + _("Passed: {score}").format(score=score), style="bold green")
    elif rec.fraction > 0:
        head = Text("◐ " + _("Partly right: {score}").format(score=score), style="bold yellow")
    else:
        head = Text("✗ " + _("Wrong"), style="bold red")
        if item.type.value == "short":
            head.append(f"  {score}")
    if rec.hints:
        head.append(
            "  " + ngettext("({n} hint used)", "({n} hints used)", rec.hints).format(n=rec.hints), style="dim"
        )
    return head


def _mark(ok: bool | None) -> tuple[str, str]:
    if ok is None:
        return "○", "yellow"
    return ("✓", "green") if ok else ("✗", "red")


def _part_lines(item: Item, rec: AnswerRecord) -> list[RenderableType]:
    """✓/✗ per chosen option (multi), per pair (match), per position (order); a typo (fill)."""
    t = item.type.value
    out: list[RenderableType] = []
    if t == "multi" and not rec.correct:
        for p in rec.parts:
            sign, style = _mark(p.ok)
            line = Text.assemble((sign, style), f" {p.label}. ", Text(_option(item, p.label)))
            if p.ok is False:
                line.append("  " + _("(wrong pick)"), style=style)
            elif p.ok is None:
                line.append("  " + _("(missed)"), style=style)
            out.append(Flow(line))
    elif t in ("match", "order") and not rec.correct:
        for i, p in enumerate(rec.parts, 1):
            sign, style = _mark(p.ok)
            given = f"{p.given}. {_option(item, p.given)}" if p.given else "—"
            head = f" {i}. {p.label} → " if t == "match" else f" {p.label}. "
            line = Text.assemble((sign, style), head, Text(given))
            if not p.ok:
                want = _("should be {answer}").format(answer=f"{p.expected}. {_option(item, p.expected)}")
                line.append(f"  {want}", style=style)
            out.append(Flow(line))
    elif t == "fill":
        for p in rec.parts:
            what = _("small typo, accepted: ") if rec.correct else _("wrong character(s): ")
            out.append(Flow(Text.assemble((what, "yellow"), Text(p.given), " → ", Text(p.expected))))
    return out


def _key_point_lines(rec: AnswerRecord) -> list[RenderableType]:
    if rec.marks:
        out: list[RenderableType] = [Text(_("Key points:"), style="bold")]
        for m in rec.marks:
            sign, style = {"matched": ("✓", "green"), "contradicted": ("✗", "red")}.get(
                m.status, ("○", "yellow")
            )
            line = Text.assemble(
                (sign, style), " ", Text(m.point), "  ", (f"{num(m.earned)}/{num(m.possible)}", "dim")
            )
            if m.status == "contradicted":
                line.append(
                    "  " + _("contradicted by {phrase}").format(phrase=f"「{m.phrase}」"), style="red"
                )
            elif m.status == "matched" and m.phrase and m.phrase != m.point:
                line.append("  " + _("as {phrase}").format(phrase=f"「{m.phrase}」"), style="dim")
            elif m.status == "missed":
                # a key point is not an option: "partly said" or "not said", never 漏选
                said = _("(partly said)") if m.earned > 0 else _("(not in your answer)")
                line.append("  " + said, style=style)
            out.append(Flow(line))
        return out
    out = []
    if rec.matched:
        out.append(_labelled(_("Key points found: "), "；".join(rec.matched), "green"))
    if rec.missed:
        out.append(_labelled(_("Key points missed: "), "；".join(rec.missed), "red"))
    return out


def feedback(item: Item, rec: AnswerRecord) -> tuple[list[RenderableType], list[RenderableType]]:
    """(head, tail) of the feedback on an answer. The head comes first and always shows: the
    verdict and score, per-part marks, the answer, key points, deductions. The tail (reference
    answer of a short item, 解析) may be folded when the screen is short."""
    from quizgen.answers import format_answer, format_response
    from quizgen.text import normalize

    head: list[RenderableType] = [_verdict(item, rec)]
    t = item.type.value
    full = rec.correct and rec.fraction >= 1.0
    head.extend(_part_lines(item, rec))
    answered = rec.outcome.value == "answered"
    if t in ("choice", "tf", "fill") and answered and not full and not rec.parts:
        given = format_response(item, rec.response)
        if t == "choice" and _option(item, given):
            given = f"{given}. {_option(item, given)}"
        head.append(_labelled(_("Your answer: "), given))
    if t != "short":
        typed_main = isinstance(rec.response, str) and normalize(rec.response) == normalize(
            format_answer(item)
        )
        shows_parts = t in ("multi", "match", "order") and answered
        if not shows_parts and (not full or (t == "fill" and not typed_main)):
            head.append(_labelled(_("Answer: "), answer_text(item)))
        elif shows_parts and not rec.correct and t == "multi":
            head.append(_labelled(_("Answer: "), format_answer(item)))
    head.extend(_key_point_lines(rec))
    if rec.deductions:
        head.append(_labelled(_("Deducted: "), "；".join(rec.deductions), "red"))
    if rec.needs_review:
        head.append(
            Text(_("The grader is unsure about this one: compare with the reference answer."), style="yellow")
        )
    if rec.self_rated:
        head.append(rated_line(rec))
    tail: list[RenderableType] = []
    if t == "short":
        tail.append(_labelled(_("Reference answer: "), answer_text(item)))
    if item.explanation:
        body = EXPLANATION_LABEL.sub("", item.explanation, count=1)
        tail.append(_labelled(_("Explanation: "), body, "bold magenta"))
    return head, tail


def rated_line(rec: AnswerRecord, interval: timedelta | None = None) -> Text:
    name = _(RATING_NAMES[int(rec.rating)])
    line = Text(
        _("Your verdict: {rating} ({meaning})").format(
            rating=name, meaning=_(RATING_VERDICTS[int(rec.rating)])
        ),
        style="cyan",
    )
    if interval is not None:
        line.append(" · " + _("back in {interval}").format(interval=fmt_interval(interval)), style="cyan")
    return line


def render_feedback(item: Item, rec: AnswerRecord) -> RenderableType:
    """The whole feedback, unfolded (piped input, --no-pause)."""
    head, tail = feedback(item, rec)
    return Group(*head, *tail, Text(""))


def pause_menu(
    *, folded: bool, rating: bool, intervals: dict[int, timedelta], auto: int | None, can_rate: bool = True
) -> Segments:
    """The keys at the pause after feedback (`o` only where an answer can be rated)."""
    pieces: list[Text] = []
    if rating:
        for r, name in RATING_NAMES.items():
            label = _(name) + (f" {fmt_interval(intervals[r])}" if r in intervals else "")
            pieces.append(_key(str(r), label))
        if auto is not None:
            pieces.append(_key(_("Enter"), _("keep {rating}").format(rating=_(RATING_NAMES[auto]))))
    else:
        pieces.append(_key(_("Enter"), _("next")))
        if can_rate:
            pieces.append(_key("o", _("your own verdict")))
    if folded:
        pieces.append(_key("e", _("whole explanation")))
    pieces.append(_key("q", _("quit")))
    return Segments(pieces, style="dim")


# ---------------------------------------------------------------------------- summaries


def weak_lines(weakest: Collection[WeakQuestion]) -> list[RenderableType]:
    """The weakest questions by title, with the key points missed."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(max_width=60)  # a Clip
    grid.add_column(justify="right", no_wrap=True)
    for i, w in enumerate(weakest, 1):
        title = w.title or (_("question {n}").format(n=w.number) if w.number else w.question_id)
        grid.add_row(f"{i}.", Clip(title), _pct(w.credit))
        if w.missed:
            grid.add_row("", Flow(Text(_("missed: ") + "；".join(w.missed), style="dim")), "")
    return [Text(_("Study these first:"), style="bold"), grid]


def due_line(due: DueCounts) -> Flow:
    return Flow(
        Text.assemble(
            (_("Due: "), "bold"),
            _("{today} today · {tomorrow} by tomorrow · {week} within 7 days").format(
                today=due.today, tomorrow=due.tomorrow, week=due.week
            ),
        )
    )


def command_line(label: str, command: str) -> Text:
    """A command to copy; print it with ``soft_wrap=True`` so it is never broken in two."""
    return Text.assemble((label, "bold"), command)


def render_summary(summary: Summary, width: int = 80) -> RenderableType:
    """Per-type table of the items reached, totals, the weakest questions and what is due; a
    compact table below 60 columns. (The review command goes after it: `command_line`.)"""
    narrow, tiny = width < 60, width < 50
    t = Table(
        title=Text(_("Summary · session {n}").format(n=summary.session_id), style="bold"),
        expand=False,
        box=box.SIMPLE_HEAD if narrow else box.HEAVY_HEAD,
        padding=(0, 1),
        pad_edge=not narrow,
        show_edge=not narrow,
    )
    cols = [_("Type"), _("Answered"), _("Right"), *([] if narrow else [_("Skipped")]), _("Score")]
    cols += [] if tiny else [_("Time")]
    for i, col in enumerate(cols):
        t.add_column(col, justify="left" if i == 0 else "right", no_wrap=True)

    def row(
        label: Text | str, answered: int, right: int, skipped: int, score: float, mx: float, secs: float
    ) -> None:
        cells = [label, str(answered), str(right), *([] if narrow else [str(skipped)])]
        cells.append(f"{num(score)}/{num(mx)}" if mx else "—")
        t.add_row(*cells, *([] if tiny else [fmt_secs(secs)]))

    for ts in summary.by_type:
        row(type_name(ts.type), ts.answered, ts.correct, ts.skipped, ts.score, ts.max_score, ts.seconds)
    t.add_section()
    s = summary
    row(Text(_("Total"), style="bold"), s.answered, s.correct, s.skipped, s.score, s.max_score, s.seconds)
    if not s.by_type:
        return Text(
            ngettext("Nothing answered: {n} item left.", "Nothing answered: {n} items left.", s.total).format(
                n=s.total
            )
        )
    parts: list[RenderableType] = [t]
    line = Text(_("Score {score}").format(score=f"{num(s.score)}/{num(s.max_score)}"), style="bold")
    if s.max_score:
        line.append(f" ({s.percent:.0f}%)", style="bold")
    line.append(
        " · " + _("{answered} answered, {skipped} skipped").format(answered=s.answered, skipped=s.skipped)
    )
    if s.unanswered:
        line.append(_(", {n} not reached").format(n=s.unanswered))
    if s.self_rated:
        line.append(
            " · " + ngettext("{n} rated by you", "{n} rated by you", s.self_rated).format(n=s.self_rated)
        )
    parts.append(Flow(line))
    if s.weakest:
        parts.extend(weak_lines(s.weakest))
    if s.due is not None:
        parts.append(due_line(s.due))
    return Group(*parts)


def history_table(sessions: Collection[SessionInfo], width: int) -> Table:
    """Past sessions; below 80 columns no borders and a short date, below 60 no kind and time."""
    narrow, tiny = width < 80, width < 60
    t = Table(
        title=Text(_("Sessions"), style="bold"),
        box=None if narrow else box.HEAVY_HEAD,
        pad_edge=not narrow,
        header_style="bold",
    )
    cols: list[tuple[str, str, dict[str, Any]]] = [
        ("#", "#", {"justify": "right", "no_wrap": True}),
        ("started", _("Started"), {"no_wrap": True}),
        ("kind", _("Kind"), {"no_wrap": True}),
        ("bank", _("Bank"), {"max_width": 24, "min_width": 6}),  # a Clip: shrinks first, stays one line
        ("done", _("Done"), {"justify": "right", "no_wrap": True}),
        ("score", _("Score"), {"justify": "right", "no_wrap": True}),
        ("time", _("Time"), {"justify": "right", "no_wrap": True}),
        ("status", _("Status"), {"no_wrap": True}),
    ]
    shown = [c for c in cols if not (tiny and c[0] in ("kind", "time"))]
    for _key_name, header, kw in shown:
        t.add_column(header, **kw)
    for s in sessions:
        cells: dict[str, RenderableType] = {
            "#": str(s.id),
            "started": datetime.fromtimestamp(s.started_at).strftime(
                "%m-%d %H:%M" if narrow else "%Y-%m-%d %H:%M"
            ),
            "kind": _(KIND_NAMES.get(s.kind, s.kind)),
            "bank": Clip(s.bank_title or s.bank_path),
            "done": f"{s.answered + s.skipped}/{s.n_items}",
            "score": f"{100 * s.score / s.max_score:.0f}%" if s.max_score else "—",
            "time": fmt_secs(s.seconds),
            "status": _(STATUS_NAMES.get(s.status.value, s.status.value)),
        }
        t.add_row(*(cells[c[0]] for c in shown))
    return t


def render_stats(st: dict[str, Any], title: str, top: int) -> RenderableType:
    """`quizgen stats`: overview, accuracy per type, the weakest questions, every question."""
    acc = st["accuracy"]
    streak = st["streak"]
    ov = Table(
        title=Text(_("Progress: {title}").format(title=title), style="bold"),
        show_header=False,
        box=None,
        pad_edge=False,
    )
    ov.add_column(style="bold", no_wrap=True)
    ov.add_column(justify="right")
    for label, value in [
        (_("sessions"), str(st["sessions"])),
        (_("answers"), str(st["answers"])),
        (_("skipped"), str(st["skipped"])),
        (_("accuracy"), _pct(acc) if acc is not None else "—"),
        (_("mean score"), _pct(st["mean_score"]) if st["mean_score"] is not None else "—"),
        (_("day streak"), _("{n} (best {best})").format(n=streak["days_current"], best=streak["days_best"])),
        (
            _("right in a row"),
            _("{n} (best {best})").format(n=streak["correct_current"], best=streak["correct_best"]),
        ),
        (_("wrong-answer book"), str(st["wrong_book"])),
    ]:
        ov.add_row(label, value)
    tt = Table(title=Text(_("By type"), style="bold"))
    for i, col in enumerate((_("Type"), _("Answers"), _("Skipped"), _("Right"), _("Accuracy"))):
        tt.add_column(col, justify="left" if i == 0 else "right", no_wrap=True)
    for name, d in st["by_type"].items():
        tt.add_row(
            type_name(name),
            str(d["answers"]),
            str(d["skipped"]),
            str(d["correct"]),
            _pct(d["accuracy"]) if d["accuracy"] is not None else "—",
        )
    qt = Table(title=Text(_("Questions, weakest first"), style="bold"))
    qt.add_column("#", justify="right", no_wrap=True)
    qt.add_column(_("Question"), max_width=40, min_width=8)  # a Clip
    qt.add_column(_("Answers"), justify="right", no_wrap=True)
    qt.add_column(_("Score"), justify="right", no_wrap=True)
    qt.add_column(_("Last"), no_wrap=True)
    for q in st["questions"][:top]:
        qt.add_row(
            str(q["number"] or ""),
            Clip(q["title"]),
            str(q["answers"] + q["skipped"]),
            _pct(q["mean_score"]) if q["mean_score"] is not None else "—",
            "✓" if q["last_correct"] else "✗",
        )
    parts: list[RenderableType] = [ov, tt]
    weakest = [
        WeakQuestion(w["question_id"], w["number"], w["title"], w["answers"], w["score"], tuple(w["missed"]))
        for w in st["weakest"][:3]
    ]
    if weakest:
        parts.extend(weak_lines(weakest))
    parts.append(due_line(DueCounts(**st["due"])))
    parts.append(qt)
    if len(st["questions"]) > top:
        more = _("… {n} more (--top N, or --json for all)").format(n=len(st["questions"]) - top)
        parts.append(Text(more, style="dim"))
    return Group(*parts)
