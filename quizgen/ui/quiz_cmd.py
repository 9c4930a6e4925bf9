"""`quizgen quiz`, `review`, `history`, `stats`, `resume`: quizzing yourself in the terminal.

All terminal I/O of quizzing lives here; sessions, scoring and the progress store are in
`quizgen.session` / `quizgen.answers`. Answers are read line by line from stdin (with line
editing on a terminal), so piped input drives a quiz too; end of input quits with the summary.
Ctrl-C keeps what was answered, prints the summary so far and exits 130.
"""

from __future__ import annotations

import contextlib
import json
import random
import signal
import sys
import threading
import time
from collections.abc import Callable, Collection
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from quizgen.errors import EXIT_INTERRUPTED, QuizgenError, UsageError
from quizgen.ui.console import (
    EMBEDDER_HELP,
    Clip,
    Source,
    check_embedder,
    embedder_is_none,
    info,
    load_source,
    out,
    parse_types_option,
    pick_items,
    warn,
    write_data,
)
from quizgen.ui.flow import Flow

if TYPE_CHECKING:
    from quizgen.items import Item, ItemType
    from quizgen.session import AnswerRecord, QuizRun, SessionInfo, Store, Summary

TYPE_LABELS = {
    "choice": "单选",
    "multi": "多选",
    "fill": "填空",
    "order": "排序",
    "match": "匹配",
    "tf": "判断",
    "short": "简答",
}
PROMPT = "> "


class _TimeUp(Exception):
    pass


class _GraderLoader:
    """Builds the short-answer grader (in the background, see `GraderSlot.prefetch`), without
    printing: a model that cannot load falls back to key points and leaves a warning to show."""

    def __init__(self, embedder: str, bank: Any = None) -> None:
        self.embedder = embedder
        self.bank = bank
        self.warning: str | None = None

    def build(self) -> Any:
        from quizgen.grade import Grader

        if embedder_is_none(self.embedder):
            return Grader(embedder="none", bank=self.bank)
        try:
            g = Grader(embedder=self.embedder, bank=self.bank)
            if g.inner_embedder is not None:
                g.inner_embedder.encode(["预热"])  # load the model now, so a failure shows here
            return g
        except (QuizgenError, ImportError, OSError, RuntimeError, ValueError) as e:
            msg = e.message if isinstance(e, QuizgenError) else f"{type(e).__name__}: {e}"
            self.warning = (
                f"cannot load the {self.embedder} embedder ({msg}); grading short answers by key points"
            )
            return Grader(embedder="none", bank=self.bank)


# ---------------------------------------------------------------------------- rendering


def _flow(*parts: str | tuple[str, str] | Text, style: str = "") -> Flow:
    return Flow(Text.assemble(*parts, style=style))


def _fmt_secs(s: float) -> str:
    s = max(0.0, s)
    if s < 60:
        return f"{s:.1f}s"
    m, sec = divmod(round(s), 60)
    if m < 60:
        return f"{m}m{sec:02d}s"
    h, m = divmod(m, 60)
    return f"{h}h{m:02d}m"


def _type_label(t: ItemType) -> str:
    return f"{TYPE_LABELS.get(t.value, t.value)} {t.value}"


def _how(item: Item) -> str:
    """How to answer, as short as an example: fits one line at 80 columns with the commands."""
    from quizgen.answers import example_for
    from quizgen.items import LETTERS

    t = item.type.value
    if t == "order":
        return f"{example_for(item)} or {''.join(LETTERS[: len(item.options)][::-1])}"
    if t in ("choice", "multi", "match"):
        return example_for(item)
    return {"tf": "对 / 错", "fill": "the missing words", "short": "a few sentences"}.get(t, "text")


def _num(x: float) -> str:
    return f"{round(x, 2):g}"


def _options_grid(labels: list[str], texts: Collection[str]) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True, style="bold")
    grid.add_column(overflow="fold")
    for label, text in zip(labels, texts, strict=False):
        grid.add_row(label, Flow(Text(text)))
    return grid


def render_item(item: Item, number: int, total: int, time_left: float | None = None) -> RenderableType:
    from quizgen.items import LETTERS

    parts: list[RenderableType] = [Flow(Text(item.stem))]
    if item.left:
        parts.append(Text(""))
        parts.append(_options_grid([f"{i}." for i in range(1, len(item.left) + 1)], item.left))
    if item.options:
        parts.append(Text(""))
        parts.append(_options_grid([f"{c}." for c in LETTERS[: len(item.options)]], item.options))
    parts.append(Text(f"Answer like: {_how(item)}  ·  ? help  h hint  s skip  q quit", style="dim"))
    title = Text(f"{number}/{total} · {_type_label(item.type)}", style="bold")
    if item.points != 1.0:
        title.append(f" · {item.points:g} points")
    if time_left is not None:
        m, sec = divmod(max(0, int(time_left)), 60)
        title.append(f" · {m}:{sec:02d} left", style="yellow")
    return Panel(Group(*parts), title=title, title_align="left", expand=True, padding=(0, 1))


def _answer_text(item: Item) -> Text:
    """The right answer, with the option texts it stands for."""
    from quizgen.answers import format_answer
    from quizgen.items import LETTERS

    t = item.type.value
    if t == "choice":
        return Text(f"{item.answer[0]}. {item.options[LETTERS.index(item.answer[0])]}")
    if t == "multi":
        picked = [f"{a}. {item.options[LETTERS.index(a)]}" for a in item.answer]
        return Text("\n".join([format_answer(item), *picked]))
    if t == "order":
        steps = [f"{k}. {a}. {item.options[LETTERS.index(a)]}" for k, a in enumerate(item.answer, 1)]
        return Text("\n".join([format_answer(item), *steps]))
    if t == "match":
        pairs = [
            f"{i}. {item.left[i - 1]} → {a}. {item.options[LETTERS.index(a)]}"
            for i, a in enumerate(item.answer, 1)
        ]
        return Text("\n".join([format_answer(item), *pairs]))
    if t == "fill" and len(item.accept) > 1:
        others = [a for a in item.accept if a != format_answer(item)]
        return Text(format_answer(item) + (f"  (also: {'、'.join(others)})" if others else ""))
    return Text(format_answer(item))


def _detail_helps(item: Item, rec: AnswerRecord) -> bool:
    """The scorer's note, unless it only repeats what the feedback already says ("right", "chose A")."""
    if not rec.detail or rec.outcome.value == "skipped" or rec.detail in ("right", "wrong", "no answer"):
        return False
    if item.type.value == "short":
        return not (rec.matched or rec.missed)
    return item.type.value not in ("choice", "tf") and rec.detail != "not accepted"


def render_feedback(item: Item, rec: AnswerRecord) -> RenderableType:
    from quizgen.answers import format_answer, format_response
    from quizgen.text import normalize

    parts: list[RenderableType] = []
    frac = f"{_num(rec.score)}/{_num(rec.max_score)} ({rec.fraction:.0%})"
    full = rec.correct and rec.fraction >= 1.0
    if rec.outcome.value == "skipped":
        head = Text("→ Skipped", style="bold yellow")
    elif rec.correct:
        word = "✓ Right" if full or item.type.value != "short" else "✓ Passed"
        head = Text(word + ("" if full else f": {frac}"), style="bold green")
    elif rec.fraction > 0:
        head = Text(f"◐ Partly right: {frac}", style="bold yellow")
    else:
        head = Text("✗ Wrong", style="bold red")
    if rec.hinted:
        head.append(" (hint used)", style="dim")
    parts.append(head)
    typed_main = isinstance(rec.response, str) and normalize(rec.response) == normalize(format_answer(item))
    show_answer = not full or item.type.value == "short" or (item.type.value == "fill" and not typed_main)
    if rec.outcome.value == "answered" and not full and item.type.value != "short":
        parts.append(_flow(("Your answer: ", "bold"), format_response(item, rec.response)))
    if show_answer:
        label = "Reference answer: " if item.type.value == "short" else "Answer: "
        parts.append(_flow((label, "bold"), _answer_text(item)))
    if rec.matched:
        parts.append(_flow(("Key points found: ", "green"), "；".join(rec.matched)))
    if rec.missed:
        parts.append(_flow(("Key points missed: ", "red"), "；".join(rec.missed)))
    if rec.needs_review:
        parts.append(
            Text("The grader is unsure about this one: compare with the reference answer.", style="yellow")
        )
    if _detail_helps(item, rec):
        parts.append(_flow(rec.detail, style="dim"))
    if item.explanation:
        parts.append(_flow(("解析：", "bold magenta"), item.explanation))
    return Group(*parts, Text(""))


def render_summary(run: QuizRun, summary: Summary, width: int = 80) -> RenderableType:
    """Per-type table, totals and the weakest questions; a compact table below 60 columns."""
    from rich import box

    narrow = width < 60
    t = Table(
        title=Text(f"Summary · session {summary.session_id}", style="bold"),
        expand=False,
        box=box.SIMPLE_HEAD if narrow else box.HEAVY_HEAD,
        padding=(0, 1),
        pad_edge=not narrow,
        show_edge=not narrow,
    )
    cols = ["Type", "Items", "Right", *([] if narrow else ["Skipped"]), "Score", "Time"]
    for col in cols:
        t.add_column(col, justify="left" if col == "Type" else "right", no_wrap=True)

    def row(
        label: Text | str, items: int, right: int, skipped: int, score: float, mx: float, secs: float
    ) -> None:
        cells = [label, str(items), str(right), *([] if narrow else [str(skipped)])]
        t.add_row(*cells, f"{_num(score)}/{_num(mx)}" if mx else "—", _fmt_secs(secs))

    for ts in summary.by_type:
        label = TYPE_LABELS.get(ts.type.value, ts.type.value) if narrow else _type_label(ts.type)
        row(label, ts.items, ts.correct, ts.skipped, ts.score, ts.max_score, ts.seconds)
    t.add_section()
    s = summary
    row(Text("Total", style="bold"), s.total, s.correct, s.skipped, s.score, s.max_score, s.seconds)
    parts: list[RenderableType] = [t]
    line = Text(f"Score {_num(summary.score)}/{_num(summary.max_score)}", style="bold")
    if summary.max_score:
        line.append(f" ({summary.percent:.0f}%)", style="bold")
    line.append(f" · {summary.answered} answered, {summary.skipped} skipped")
    if summary.unanswered:
        line.append(f", {summary.unanswered} not reached")
    parts.append(line)
    if summary.weakest:
        parts.append(Text("Weakest:", style="bold"))
        weak = Table.grid(padding=(0, 1))
        weak.add_column(no_wrap=True, justify="right")
        weak.add_column(max_width=60)  # a Clip
        weak.add_column(no_wrap=True, justify="right")
        for r in summary.weakest:
            item = run.items[r.position]
            num = f"#{item.source.number}" if item.source else f"{run.number_of(r.position)}."
            weak.add_row(num, Clip(item.stem), f"{r.fraction:.0%}")
        parts.append(weak)
    return Group(*parts)


# ---------------------------------------------------------------------------- input


class _Input:
    """Line input: `input()` with line editing on a terminal, plain lines (echoed) when piped."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.tty = sys.stdin.isatty()
        if self.tty:
            with contextlib.suppress(ImportError):
                import readline  # noqa: F401  (gives input() line editing and history)

    def read(self, deadline: float | None) -> str:
        alarm = deadline is not None and hasattr(signal, "setitimer")
        alarm = alarm and threading.current_thread() is threading.main_thread()
        old: Any = None
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _TimeUp
            if alarm:
                old = signal.signal(signal.SIGALRM, self._on_alarm)
                signal.setitimer(signal.ITIMER_REAL, remaining)
        try:
            if self.tty:
                line = input(PROMPT)
            else:
                self.console.print(PROMPT, end="", markup=False)
                self.console.file.flush()
                line = sys.stdin.readline()
                if line == "":
                    self.console.print()
                    raise EOFError
                self.console.print(Text(line.rstrip("\r\n")))
        finally:
            if alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, old)
        if deadline is not None and time.monotonic() > deadline:
            raise _TimeUp
        return line

    @staticmethod
    def _on_alarm(signum: int, frame: Any) -> None:
        raise _TimeUp


# ---------------------------------------------------------------------------- the quiz loop


def _ask(
    run: QuizRun,
    console: Console,
    inp: _Input,
    deadline: float | None,
    grader_ready: Callable[[], None],
    topics: dict[str, str],
) -> Any:
    """Ask every pending item. Returns the final Status; raises KeyboardInterrupt / _TimeUp / EOFError."""
    from quizgen.answers import AnswerFormatError, Command, format_help, parse_input
    from quizgen.session import Status, hint_for

    for pos in run.pending():
        item = run.items[pos]
        left = deadline - time.monotonic() if deadline is not None else None
        console.print(render_item(item, run.number_of(pos), run.total, left))
        hinted = False
        started = time.monotonic()
        while True:
            line = inp.read(deadline)
            try:
                parsed = parse_input(item, line)
            except AnswerFormatError as e:
                console.print(_flow(f"Cannot read that: {e.message}. Example: {e.example}", style="yellow"))
                continue
            elapsed = int((time.monotonic() - started) * 1000)
            if parsed.command is Command.HELP:
                console.print(_flow(format_help(item), style="cyan"))
            elif parsed.command is Command.HINT:
                hint = hint_for(item, topics.get(item.question_id))
                console.print(_flow("Hint: " + hint if hint else "No hint for this one.", style="cyan"))
                hinted = hinted or hint is not None
            elif parsed.command is Command.QUIT:
                return Status.QUIT
            elif parsed.command is Command.SKIP:
                rec = run.skip(pos, raw=parsed.raw, hinted=hinted, elapsed_ms=elapsed)
                console.print(render_feedback(item, rec))
                break
            else:
                assert parsed.response is not None
                if item.type.value == "short":
                    grader_ready()
                rec = run.answer(pos, parsed.response, raw=parsed.raw, hinted=hinted, elapsed_ms=elapsed)
                console.print(render_feedback(item, rec))
                break
    return Status.FINISHED


def _run_session(
    store: Store,
    session_id: int,
    *,
    src: Source | None,
    embedder: str,
    time_limit_s: float | None,
    bank_ref: str,
) -> None:
    """Drive one session to its end and print the summary; exits 130 on Ctrl-C.

    `src` is the bank as it is now: items of questions no longer in it are not asked."""
    from quizgen.session import GraderSlot, QuizRun, Status, make_scorer

    console = out()
    bank = src.bank if src is not None else None
    alive = src.question_ids if src is not None else None
    loader = _GraderLoader(embedder, bank)
    slot = GraderSlot(loader.build)
    run = QuizRun(store, session_id, make_scorer(slot), alive_questions=alive)
    if any(run.items[p].type.value == "short" for p in run.pending()):
        slot.prefetch()  # the model loads while the first items are answered

    def grader_ready() -> None:
        if not slot.ready and not embedder_is_none(embedder):
            info(f"Loading the grading model ({embedder})…")
        slot.get()
        if loader.warning:
            warn(loader.warning)
            loader.warning = None

    deadline = time.monotonic() + time_limit_s if time_limit_s is not None else None
    status = Status.ACTIVE
    try:
        try:
            topics = {q.id: q.title for q in bank.questions} if bank is not None else {}
            status = _ask(run, console, _Input(console), deadline, grader_ready, topics)
        except EOFError:
            status = Status.QUIT
        except _TimeUp:
            console.print(Text("\nTime is up.", style="bold yellow"))
            status = Status.TIMEOUT
    except KeyboardInterrupt:
        try:
            run.finish(Status.INTERRUPTED)
            console.print()
            console.print(render_summary(run, run.summary(Status.INTERRUPTED), console.width))
            console.print(
                Text(f"Interrupted: answers are saved. Continue with `quizgen resume {session_id}`."),
                soft_wrap=True,
            )
        finally:
            raise typer.Exit(EXIT_INTERRUPTED) from None
    run.finish(status)
    summary = run.summary(status)
    console.print(render_summary(run, summary, console.width))
    if summary.unanswered and status is not Status.TIMEOUT:
        console.print(
            Text(f"Continue later with `quizgen resume {session_id}`.", style="dim"), soft_wrap=True
        )
    if summary.answered and summary.correct < summary.answered + summary.skipped:
        msg = f"Practise what went wrong with `quizgen review {bank_ref}`."
        console.print(Text(msg, style="dim"), soft_wrap=True)


def _start_line(console: Console, what: str, n: int, title: str, session_id: int, extra: str = "") -> None:
    console.print(
        Text.assemble(
            (f"{what}: ", "bold"),
            f"{n} item{'s' if n != 1 else ''} from ",
            (title, "bold"),
            f" · session {session_id}{extra}",
            (" · type ? for help", "dim"),
        ),
        soft_wrap=True,
    )


def _interrupted_before_start() -> typer.Exit:
    out().print(Text("Interrupted before the first item; nothing was answered."))
    return typer.Exit(EXIT_INTERRUPTED)


# ---------------------------------------------------------------------------- commands

BankArg = Annotated[
    Path, typer.Argument(metavar="BANK", help="Bank file (YAML/JSON) or an items file.", show_default=False)
]
EmbedderOpt = Annotated[str, typer.Option("--embedder", metavar="NAME", help=EMBEDDER_HELP)]
QUIZ_COUNT = 10


def quiz_cmd(
    bank_path: BankArg,
    count: Annotated[
        int | None,
        typer.Option(
            "-n",
            "--number",
            "--count",
            metavar="N",
            min=1,
            help=f"Number of items [default: {QUIZ_COUNT}]; of an items file, the first N.",
            show_default=False,
        ),
    ] = None,
    types: Annotated[
        list[str] | None,
        typer.Option(
            "--types",
            "-t",
            metavar="TYPES",
            help="Item types, e.g. choice,tf (of choice multi fill order match tf short).",
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option("--seed", metavar="N", help="Seed for a reproducible quiz (shown at the start)."),
    ] = None,
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", metavar="MIN", help="Stop after this many minutes.")
    ] = None,
    embedder: EmbedderOpt = "use-m3",
) -> None:
    """Quiz yourself on a bank: answers are checked at once and saved as you go."""
    from quizgen.session import Store

    if time_limit is not None and time_limit <= 0:
        raise UsageError(f"--time-limit must be a positive number of minutes, got {time_limit:g}")
    wanted = parse_types_option(types)
    embedder = check_embedder(embedder)
    try:
        src = load_source(bank_path)
        if seed is None:
            seed = random.SystemRandom().randrange(1, 1_000_000)
        # An items file is asked as written (its order was set when it was generated).
        items = pick_items(src, count=count, default_count=QUIZ_COUNT, types=wanted, rng=random.Random(seed))
        store = Store()
        options = {
            "count": count or QUIZ_COUNT,
            "types": [t.value for t in wanted] if wanted else None,
            "time_limit": time_limit,
            "embedder": embedder,
        }
        sid = store.create_session(
            items, kind="quiz", bank_path=str(bank_path), bank_title=src.title, seed=seed, options=options
        )
    except KeyboardInterrupt:
        raise _interrupted_before_start() from None
    extra = f" · seed {seed}" + (f" · time limit {time_limit:g} min" if time_limit else "")
    _start_line(out(), "Quiz", len(items), src.title, sid, extra)
    with store:
        _run_session(
            store,
            sid,
            src=src,
            embedder=embedder,
            time_limit_s=time_limit * 60 if time_limit else None,
            bank_ref=str(bank_path),
        )


def review_cmd(
    bank_path: BankArg,
    count: Annotated[
        int, typer.Option("-n", "--number", "--count", metavar="N", min=1, help="At most this many items.")
    ] = 20,
    wrong: Annotated[
        bool, typer.Option("--wrong", help="Every item last answered wrong (错题本), due or not.")
    ] = False,
    embedder: EmbedderOpt = "use-m3",
) -> None:
    """Review the items due today (spaced repetition), wrong answers first (错题本)."""
    from quizgen.session import Store

    embedder = check_embedder(embedder)
    try:
        src = load_source(bank_path)
        store = Store()
        due = store.due(src.question_ids, wrong_only=wrong)
        if not due:
            nxt = store.next_due(src.question_ids)
            if wrong:
                msg = "No wrong answers to practise: the wrong-answer book is empty."
            elif nxt is None:
                msg = f"Nothing to review yet: take a quiz first (`quizgen quiz {bank_path}`)."
            else:
                when = nxt.astimezone().strftime("%Y-%m-%d %H:%M")
                msg = f"Nothing due today. Next review: {when}."
            out().print(Text(msg), soft_wrap=True)
            store.close()
            return
        items = [c.item for c in due[:count]]
        wrong_n = sum(c.last_correct is False for c in due[:count])
        sid = store.create_session(
            items,
            kind="review",
            bank_path=str(bank_path),
            bank_title=src.title,
            options={"embedder": embedder},
        )
    except KeyboardInterrupt:
        raise _interrupted_before_start() from None
    extra = f" · {wrong_n} from the wrong-answer book" if wrong_n else ""
    _start_line(out(), "Review", len(items), src.title, sid, extra)
    with store:
        _run_session(store, sid, src=src, embedder=embedder, time_limit_s=None, bank_ref=str(bank_path))


def resume_cmd(
    session: Annotated[
        int | None,
        typer.Argument(metavar="SESSION", help="Session number (default: the latest unfinished)."),
    ] = None,
) -> None:
    """Continue an interrupted quiz or review where it stopped."""
    from quizgen.session import RESUMABLE, Status, Store

    try:
        store = Store()
        info_ = store.latest_resumable() if session is None else store.session(session)
        if info_ is None:
            store.close()
            if session is None:
                raise UsageError("no unfinished session to resume", hint="start one with `quizgen quiz BANK`")
            raise UsageError(f"no session {session}", hint="`quizgen history` lists them")
        if info_.status not in RESUMABLE or info_.answered + info_.skipped >= info_.n_items:
            store.close()
            raise UsageError(
                f"session {info_.id} is {info_.status.value}, nothing left to answer",
                hint="start a new one with `quizgen quiz BANK`",
            )
        current = _current_source(info_)
        store.set_status(info_.id, Status.ACTIVE)
    except KeyboardInterrupt:
        raise _interrupted_before_start() from None
    left = info_.n_items - info_.answered - info_.skipped
    _start_line(
        out(), "Resuming", left, info_.bank_title, info_.id, f" · {info_.answered + info_.skipped} done"
    )
    limit = info_.options.get("time_limit")
    limit_s = max(1.0, float(limit) * 60 - info_.seconds) if limit else None
    with store:
        _run_session(
            store,
            info_.id,
            src=current,
            embedder=str(info_.options.get("embedder") or "use-m3"),
            time_limit_s=limit_s,
            bank_ref=info_.bank_path,
        )


def _current_source(s: SessionInfo) -> Source | None:
    """The session's bank as it is now (None when the file is gone or broken)."""
    p = Path(s.bank_path)
    if not s.bank_path or not p.is_file():
        return None
    try:
        src = load_source(p)
    except QuizgenError as e:
        warn(f"cannot read {p} ({e.message}); asking the session's items as stored")
        return None
    return src


def history_cmd(
    limit: Annotated[
        int, typer.Option("-n", "--limit", metavar="N", min=1, help="Show this many sessions, newest first.")
    ] = 20,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also list sessions left before the first answer.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Past quiz and review sessions, newest first.

    A session left at its first item (nothing answered or skipped) is not listed unless --all
    is given; `quizgen resume` still continues it."""
    from quizgen.session import Store

    with Store() as store:
        sessions = store.sessions(limit=limit, with_answers=None if show_all else True)
        hidden = 0 if show_all else store.count_sessions(with_answers=False)
    if as_json:
        write_data(json.dumps([s.to_dict() for s in sessions], ensure_ascii=False, indent=2) + "\n")
        return
    console = out()
    if not sessions:
        if hidden:
            console.print(Text(f"No answered sessions yet ({_sessions_not_listed(hidden)})."), soft_wrap=True)
        else:
            console.print(Text("No sessions yet: start one with `quizgen quiz BANK`."), soft_wrap=True)
        return
    # Below 80 columns: no borders and a short date; below 60 also no Kind and Time columns.
    narrow, tiny = console.width < 80, console.width < 60
    from rich import box

    t = Table(
        title=Text("Sessions", style="bold"),
        box=None if narrow else box.HEAVY_HEAD,
        pad_edge=not narrow,
        header_style="bold",
    )
    cols: list[tuple[str, dict[str, Any]]] = [
        ("#", {"justify": "right", "no_wrap": True}),
        ("Started", {"no_wrap": True}),
        ("Kind", {"no_wrap": True}),
        ("Bank", {"max_width": 24, "min_width": 6}),  # a Clip: shrinks first, stays one line
        ("Done", {"justify": "right", "no_wrap": True}),
        ("Score", {"justify": "right", "no_wrap": True}),
        ("Time", {"justify": "right", "no_wrap": True}),
        ("Status", {"no_wrap": True}),
    ]
    shown = [c for c, _ in cols if not (tiny and c in ("Kind", "Time"))]
    for name, kw in cols:
        if name in shown:
            t.add_column(name, **kw)
    for s in sessions:
        pct = f"{100 * s.score / s.max_score:.0f}%" if s.max_score else "—"
        cells: dict[str, RenderableType] = {
            "#": str(s.id),
            "Started": datetime.fromtimestamp(s.started_at).strftime(
                "%m-%d %H:%M" if narrow else "%Y-%m-%d %H:%M"
            ),
            "Kind": s.kind,
            "Bank": Clip(s.bank_title or s.bank_path),
            "Done": f"{s.answered + s.skipped}/{s.n_items}",
            "Score": pct,
            "Time": _fmt_secs(s.seconds),
            "Status": s.status.value,
        }
        t.add_row(*(cells[c] for c in shown))
    console.print(t)
    if hidden:
        console.print(Text(_sessions_not_listed(hidden), style="dim"), soft_wrap=True)


def _sessions_not_listed(n: int) -> str:
    return f"{n} session{'s' if n != 1 else ''} without answers not listed; --all shows them"


def stats_cmd(
    bank_path: BankArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    top: Annotated[
        int, typer.Option("--top", metavar="N", min=1, help="Questions to list, weakest first.")
    ] = 10,
) -> None:
    """Your progress on a bank: accuracy per type and question, streaks, what is due."""
    from quizgen.session import Store

    src = load_source(bank_path)
    with Store() as store:
        st = store.stats(src.question_ids)
    titles: dict[str, tuple[int | None, str]] = {}
    if src.bank is not None:
        titles = {q.id: (q.number, q.title) for q in src.bank.questions}
    elif src.items is not None:
        for it in src.items:
            titles.setdefault(it.question_id, (it.source.number if it.source else None, it.stem))
    for q in st["questions"]:
        num, title = titles.get(q["question_id"], (None, ""))
        q["number"], q["title"] = num, title
    st = {"bank": str(bank_path), "title": src.title, **st}
    if as_json:
        write_data(json.dumps(st, ensure_ascii=False, indent=2) + "\n")
        return
    console = out()
    if not st["answers"] and not st["skipped"]:
        msg = f"No answers yet for {src.title}: start with `quizgen quiz {bank_path}`."
        console.print(Text(msg), soft_wrap=True)
        return
    acc = st["accuracy"]
    ov = Table(
        title=Text(f"Progress: {src.title}", style="bold"), show_header=False, box=None, pad_edge=False
    )
    ov.add_column(style="bold", no_wrap=True)
    ov.add_column(justify="right")
    streak = st["streak"]
    for label, value in [
        ("sessions", str(st["sessions"])),
        ("answers", str(st["answers"])),
        ("skipped", str(st["skipped"])),
        ("accuracy", f"{acc:.0%}" if acc is not None else "—"),
        ("mean score", f"{st['mean_score']:.0%}" if st["mean_score"] is not None else "—"),
        ("day streak", f"{streak['days_current']} (best {streak['days_best']})"),
        ("right in a row", f"{streak['correct_current']} (best {streak['correct_best']})"),
        ("due today", str(st["due_today"])),
        ("wrong-answer book", str(st["wrong_book"])),
    ]:
        ov.add_row(label, value)
    console.print(ov)
    tt = Table(title=Text("By type", style="bold"))
    for col in ("Type", "Answers", "Skipped", "Right", "Accuracy"):
        tt.add_column(col, justify="left" if col == "Type" else "right", no_wrap=True)
    for name, d in st["by_type"].items():
        from quizgen.items import ItemType

        tt.add_row(
            _type_label(ItemType(name)),
            str(d["answers"]),
            str(d["skipped"]),
            str(d["correct"]),
            f"{d['accuracy']:.0%}" if d["accuracy"] is not None else "—",
        )
    console.print(tt)
    qt = Table(title=Text("Questions, weakest first", style="bold"))
    qt.add_column("#", justify="right", no_wrap=True)
    qt.add_column("Question", max_width=40, min_width=8)  # a Clip
    qt.add_column("Answers", justify="right", no_wrap=True)
    qt.add_column("Score", justify="right", no_wrap=True)
    qt.add_column("Last", no_wrap=True)
    for q in st["questions"][:top]:
        qt.add_row(
            str(q["number"] or ""),
            Clip(q["title"]),
            str(q["answers"] + q["skipped"]),
            f"{q['mean_score']:.0%}" if q["mean_score"] is not None else "—",
            "✓" if q["last_correct"] else "✗",
        )
    console.print(qt)
    if len(st["questions"]) > top:
        console.print(Text(f"… {len(st['questions']) - top} more (--top N, or --json for all)", style="dim"))


def register(app: typer.Typer) -> None:
    app.command("quiz")(quiz_cmd)
    app.command("review")(review_cmd)
    app.command("resume")(resume_cmd)
    app.command("history")(history_cmd)
    app.command("stats")(stats_cmd)


__all__ = ["register", "render_feedback", "render_item", "render_summary"]
