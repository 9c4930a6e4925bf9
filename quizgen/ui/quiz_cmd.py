"""`quizgen quiz`, `review`, `resume`, `history`, `stats`: quizzing yourself in the terminal.

All terminal I/O of quizzing lives here (screens are drawn by `quizgen.ui.render`); sessions,
scoring and the progress store are in `quizgen.session` / `quizgen.answers`. Answers are read
line by line from stdin (with line editing on a terminal), so piped input drives a quiz too;
end of input quits with the summary. Ctrl-C keeps what was answered, prints the summary so far
and exits 130.

On a terminal the quiz pauses after each feedback until a key is pressed (single key presses,
no Enter needed): the verdict, score and per-part marks stay on screen, a long explanation is
folded behind ``e``, and the student can give their own verdict (``o``, or 1-4 after a short
answer), which drives the scheduler. Piped input and ``--no-pause`` never pause and never fold.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import shlex
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console, Group, RenderableType
from rich.segment import Segment
from rich.text import Text

from quizgen.errors import EXIT_INTERRUPTED, QuizgenError, UsageError
from quizgen.i18n import LANGUAGES, _, ngettext, set_language
from quizgen.ui.console import (
    EMBEDDER_HELP,
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
    from quizgen.items import Item
    from quizgen.scoring import ScoringPolicy
    from quizgen.session import AnswerRecord, QuizRun, SessionInfo, Store, Summary, Titles

PROMPT = "> "


class _TimeUp(Exception):
    pass


class _Quit(Exception):
    """The student quit at the pause after an answer."""


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
            self.warning = _(
                "cannot load the {embedder} embedder ({error}); grading short answers by key points"
            ).format(embedder=self.embedder, error=msg)
            return Grader(embedder="none", bank=self.bank)


def _flow(text: str, style: str = "") -> Flow:
    return Flow(Text(text, style=style))


# ---------------------------------------------------------------------------- input


class _Input:
    """Line input: `input()` with line editing on a terminal, plain lines (echoed) when piped.
    On a terminal, `key()` reads one key press for the pause after feedback."""

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
                try:
                    line = input(PROMPT)
                except EOFError:
                    self.console.print()  # Ctrl-D leaves the cursor on the prompt line
                    raise
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

    def key(self) -> str:
        """One key press, without echo ("\\x04" for Ctrl-D or end of input, "\\r" for Enter).
        Ctrl-C still interrupts. Without termios (Windows) a line stands for its first key."""
        try:
            import termios
            import tty
        except ImportError:
            try:
                line = input()
            except EOFError:
                return "\x04"
            return line[:1] or "\r"
        fd = sys.stdin.fileno()
        saved = termios.tcgetattr(fd)
        try:
            tty.setcbreak(fd)
            return self._read_key(fd)
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)

    @staticmethod
    def _read_key(fd: int) -> str:
        import select

        buf = b""
        while True:
            byte = os.read(fd, 1)
            if not byte:
                return "\x04"
            buf += byte
            if buf == b"\x1b":
                # An escape sequence (arrow keys...): read it whole and ignore it.
                while select.select([fd], [], [], 0.02)[0]:
                    os.read(fd, 16)
                return "\x1b"
            try:
                return buf.decode("utf-8")
            except UnicodeDecodeError:
                if len(buf) >= 4:
                    return ""


# ---------------------------------------------------------------------------- the quiz loop


@dataclass(frozen=True)
class _Options:
    pause: bool
    review_command: str
    titles: Titles


class _Quiz:
    """Asks a session's pending items: input, hints, feedback, the pause and ratings."""

    def __init__(
        self,
        run: QuizRun,
        console: Console,
        inp: _Input,
        opts: _Options,
        deadline: float | None,
        grader_ready: Callable[[], None],
        on_first_item: Callable[[], None],
    ) -> None:
        self.run = run
        self.console = console
        self.inp = inp
        self.opts = opts
        self.deadline = deadline
        self.grader_ready = grader_ready
        self.on_first_item = on_first_item

    def ask_all(self) -> Any:
        """Returns the final Status; raises KeyboardInterrupt / _TimeUp / EOFError."""
        from quizgen.session import Status
        from quizgen.ui.render import render_item

        first = True
        for pos in self.run.pending():
            item = self.run.items[pos]
            left = self.deadline - time.monotonic() if self.deadline is not None else None
            self.console.print(render_item(item, self.run.number_of(pos), self.run.total, left))
            if first:
                self.on_first_item()
                first = False
            rec = self.ask(pos, item)
            if rec is None:
                return Status.QUIT
            try:
                self.after(pos, item, rec)
            except _Quit:
                return Status.QUIT
        return Status.FINISHED

    def ask(self, pos: int, item: Item) -> AnswerRecord | None:
        """Read until an answer or a skip (stored at once); None when the student quits."""
        from quizgen.answers import AnswerFormatError, Command, format_help, parse_input
        from quizgen.hints import hints_for

        hints = hints_for(item)
        used = 0
        started = time.monotonic()
        while True:
            line = self.inp.read(self.deadline)
            try:
                parsed = parse_input(item, line)
            except AnswerFormatError as e:
                msg = _("Cannot read that: {problem}. Example: {example}").format(
                    problem=e.message, example=e.example
                )
                self.console.print(_flow(msg, "yellow"))
                continue
            elapsed = int((time.monotonic() - started) * 1000)
            if parsed.command is Command.HELP:
                self.console.print(_flow(format_help(item), "cyan"))
            elif parsed.command is Command.HINT:
                if used < len(hints):
                    label = _("Hint {n}/{total}: ").format(n=used + 1, total=len(hints))
                    self.console.print(_flow(label + hints[used], "cyan"))
                    used += 1
                elif hints:
                    self.console.print(_flow(_("No more hints for this one."), "cyan"))
                else:
                    self.console.print(_flow(_("No hint for this one."), "cyan"))
            elif parsed.command is Command.QUIT:
                return None
            elif parsed.command is Command.SKIP:
                return self.run.skip(pos, raw=parsed.raw, hints=used, elapsed_ms=elapsed)
            else:
                assert parsed.response is not None
                if item.type.value == "short":
                    self.grader_ready()
                return self.run.answer(pos, parsed.response, raw=parsed.raw, hints=used, elapsed_ms=elapsed)

    def after(self, pos: int, item: Item, rec: AnswerRecord) -> None:
        """The feedback; on a terminal, the pause with folding and the student's own verdict."""
        from quizgen.session import Outcome, Rating
        from quizgen.ui.render import feedback, pause_menu, rated_line, render_feedback

        if not self.opts.pause:
            self.console.print(render_feedback(item, rec))
            return
        head, tail = feedback(item, rec)
        rating_menu = item.type.value == "short" and rec.outcome is Outcome.ANSWERED
        can_rate = rec.outcome is Outcome.ANSWERED
        intervals: dict[int, Any] = {}
        if rating_menu:
            intervals = {int(r): d for r, d in self.run.store.intervals(self.run.session_id, pos).items()}
        menu = pause_menu(
            folded=True, rating=rating_menu, intervals=intervals, auto=int(rec.rating), can_rate=can_rate
        )
        shown, rest = self._fold([*head, menu], tail)
        self.console.print(Group(*head, *shown))
        while True:
            if rating_menu and not intervals:
                intervals = {int(r): d for r, d in self.run.store.intervals(self.run.session_id, pos).items()}
            menu = pause_menu(
                folded=bool(rest),
                rating=rating_menu,
                intervals=intervals,
                auto=int(rec.rating) if rating_menu else None,
                can_rate=can_rate,
            )
            self.console.print(menu)
            key = self.inp.key().lower()
            if key == "\x04":
                raise EOFError
            if key == "q":
                raise _Quit
            if key == "e" and rest:
                self.console.print(Group(*rest))
                rest = []
                continue
            if key == "o" and can_rate and not rating_menu:
                rating_menu = True
                continue
            if rating_menu and key in ("1", "2", "3", "4"):
                rec = self.run.rate(pos, Rating(int(key)))
                self.console.print(rated_line(rec, intervals.get(int(key))))
            self.console.print()
            return

    def _fold(
        self, head: list[RenderableType], tail: list[RenderableType]
    ) -> tuple[list[RenderableType], list[RenderableType]]:
        """(shown, folded) parts of `tail`: the answer line, the feedback (`head`, the pause menu
        included) and the shown part of `tail` fit the screen."""
        if not tail:
            return [], []
        opts = self.console.options
        height = self.console.height
        used = len(self.console.render_lines(Group(*head), opts, pad=False)) + 2  # the answer line, a spare
        lines = self.console.render_lines(Group(*tail), opts, pad=False)
        if used + len(lines) <= height:
            return tail, []
        keep = max(1, height - used - 1)
        more = len(lines) - keep
        note = Text(
            ngettext("… {n} more line: e shows it", "… {n} more lines: e shows them", more).format(n=more),
            style="dim",
        )
        return [_as_text(lines[:keep]), note], [_as_text(lines[keep:])]


def _as_text(lines: list[list[Segment]]) -> Text:
    """Rendered lines back as one styled Text (what was measured is what is printed)."""
    return Text("\n").join(Text.assemble(*((seg.text, seg.style or "") for seg in line)) for line in lines)


def _run_session(
    store: Store,
    session_id: int,
    *,
    src: Source | None,
    embedder: str,
    policy: ScoringPolicy,
    time_limit_s: float | None,
    bank_ref: str,
    pause: bool,
) -> None:
    """Drive one session to its end and print the summary; exits 130 on Ctrl-C.

    `src` is the bank as it is now: items of questions no longer in it are not asked."""
    from quizgen.session import GraderSlot, QuizRun, Status, make_scorer

    console = out()
    bank = src.bank if src is not None else None
    alive = src.question_ids if src is not None else None
    loader = _GraderLoader(embedder, bank)
    slot = GraderSlot(loader.build)
    run = QuizRun(store, session_id, make_scorer(slot, policy), alive_questions=alive)

    def on_first_item() -> None:
        if any(run.items[p].type.value == "short" for p in run.pending()):
            slot.prefetch()  # the model loads while the student reads

    def grader_ready() -> None:
        if not slot.ready and not embedder_is_none(embedder):
            info(_("Loading the grading model ({embedder})…").format(embedder=embedder))
        slot.get()
        if loader.warning:
            warn(loader.warning)
            loader.warning = None

    inp = _Input(console)
    opts = _Options(
        pause=pause and inp.tty,
        review_command=f"quizgen review {shell_arg(bank_ref)}",
        titles=_titles(src, run.items),
    )
    deadline = time.monotonic() + time_limit_s if time_limit_s is not None else None
    status = Status.ACTIVE
    quiz = _Quiz(run, console, inp, opts, deadline, grader_ready, on_first_item)
    try:
        try:
            status = quiz.ask_all()
        except EOFError:
            status = Status.QUIT
        except _TimeUp:
            console.print(Text("\n" + _("Time is up."), style="bold yellow"))
            status = Status.TIMEOUT
    except KeyboardInterrupt:
        try:
            run.finish(Status.INTERRUPTED)
            console.print()
            summary = run.summary(Status.INTERRUPTED, titles=opts.titles)
            _print_summary(console, summary, opts.review_command)
            msg = _("Interrupted: answers are saved. Continue with `quizgen resume {n}`.").format(
                n=session_id
            )
            console.print(Text(msg), soft_wrap=True)
        finally:
            raise typer.Exit(EXIT_INTERRUPTED) from None
    run.finish(status)
    summary = run.summary(status, titles=opts.titles)
    _print_summary(console, summary, opts.review_command)
    if summary.unanswered and status is not Status.TIMEOUT:
        msg = _("Continue later with `quizgen resume {n}`.").format(n=session_id)
        console.print(Text(msg, style="dim"), soft_wrap=True)


def _print_summary(console: Console, summary: Summary, review_command: str) -> None:
    from quizgen.ui.render import command_line, render_summary

    console.print(render_summary(summary, console.width))
    if summary.answered or summary.skipped:
        console.print(command_line(_("Review: "), review_command), soft_wrap=True)


def shell_arg(text: str) -> str:
    """`text` as one shell word: quoted only when the shell would split or expand it (a path in
    Chinese needs no quotes)."""
    return shlex.quote(text) if not text or _SHELL_SPECIAL.search(text) else text


_SHELL_SPECIAL = re.compile(r"[\s'\"$`\\!*?\[\](){}<>|&;#~]")


def _titles(src: Source | None, items: list[Item]) -> Titles:
    """Question id -> (number, title): from the bank; for an items file, the stem of a question's
    short-answer item (its 题目) where there is one, else its number."""
    titles: dict[str, tuple[int | None, str]] = {}
    if src is not None and src.bank is not None:
        return {q.id: (q.number, q.title) for q in src.bank.questions}
    pool = [*(src.items or [] if src is not None else []), *items]
    for it in pool:
        number = it.source.number if it.source else None
        if it.type.value == "short":
            titles[it.question_id] = (number, it.stem)
        else:
            titles.setdefault(it.question_id, (number, ""))
    return titles


def _start_line(console: Console, what: str, n: int, title: str, session_id: int, extra: list[str]) -> None:
    from quizgen.ui.render import Segments

    head = ngettext("{n} item from {title}", "{n} items from {title}", n).format(n=n, title=title)
    pieces = [
        Text.assemble((what, "bold"), head),
        Text(_("session {n}").format(n=session_id)),
        *(Text(e) for e in extra),
        Text(_("type ? for help"), style="dim"),
    ]
    console.print(Segments(pieces))


def _interrupted_before_start() -> typer.Exit:
    out().print(Text(_("Interrupted before the first item; nothing was answered.")))
    return typer.Exit(EXIT_INTERRUPTED)


def _scoring_note(policy: ScoringPolicy) -> list[str]:
    if policy.name == "exam":
        return [_("exam scoring: a multiple choice is all or nothing, a wrong character is wrong")]
    return []


# ---------------------------------------------------------------------------- options

BankArg = Annotated[
    Path, typer.Argument(metavar="BANK", help="Bank file (YAML/JSON) or an items file.", show_default=False)
]
EmbedderOpt = Annotated[str, typer.Option("--embedder", metavar="NAME", help=EMBEDDER_HELP)]
LangOpt = Annotated[
    str | None,
    typer.Option(
        "--lang",
        metavar="zh|en",
        envvar="QUIZGEN_LANG",
        help="Interface language: zh (中文) or en. Default: from LANG/LC_ALL/LC_MESSAGES (zh_* -> zh).",
        show_default=False,
    ),
]
ScoringOpt = Annotated[
    str,
    typer.Option(
        "--scoring",
        metavar="practice|exam",
        help="practice: partial credit, half for a wrong character in a fill-in; "
        "exam: a multiple choice is all or nothing (多选错选不得分), a wrong character is wrong.",
    ),
]
NoPauseOpt = Annotated[
    bool,
    typer.Option(
        "--no-pause",
        help="Go straight on after each answer, explanations unfolded (automatic when input is piped).",
    ),
]
QUIZ_COUNT = 10


def _language(lang: str | None) -> None:
    wanted = lang.strip().lower() if lang else None
    set_language(wanted if wanted in LANGUAGES else None)
    if wanted is not None and wanted not in LANGUAGES:
        raise UsageError(f"unknown --lang {lang!r}", hint="use zh (中文) or en")


def _policy(name: str) -> ScoringPolicy:
    from quizgen.scoring import policy_named

    return policy_named(name.strip().lower())


# ---------------------------------------------------------------------------- commands


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
    scoring: ScoringOpt = "practice",
    embedder: EmbedderOpt = "use-m3",
    no_pause: NoPauseOpt = False,
    lang: LangOpt = None,
) -> None:
    """Quiz yourself on a bank: answers are checked at once and saved as you go."""
    from quizgen.session import Store

    _language(lang)
    if time_limit is not None and time_limit <= 0:
        raise UsageError(f"--time-limit must be a positive number of minutes, got {time_limit:g}")
    wanted = parse_types_option(types)
    embedder = check_embedder(embedder)
    policy = _policy(scoring)
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
            "scoring": policy.name,
        }
        sid = store.create_session(
            items, kind="quiz", bank_path=str(bank_path), bank_title=src.title, seed=seed, options=options
        )
    except KeyboardInterrupt:
        raise _interrupted_before_start() from None
    extra = [_("seed {n}").format(n=seed)]
    if time_limit:
        extra.append(_("time limit {n} min").format(n=f"{time_limit:g}"))
    _start_line(out(), _("Quiz: "), len(items), src.title, sid, extra + _scoring_note(policy))
    with store:
        _run_session(
            store,
            sid,
            src=src,
            embedder=embedder,
            policy=policy,
            time_limit_s=time_limit * 60 if time_limit else None,
            bank_ref=str(bank_path),
            pause=not no_pause,
        )


def _review_items(items: list[Item], rng: random.Random) -> list[Item]:
    """The items with their options in a new order (keys follow), so a review asks for the
    content, not the position learnt last time; an order item is never shown in order."""
    from quizgen.export.paper import shuffle_options
    from quizgen.items import LETTERS

    out_ = []
    for it in items:
        shuffled = shuffle_options(it, rng)
        if it.type.value == "order" and len(it.options) > 1:
            in_order = tuple(LETTERS[: len(it.options)])
            while shuffled.answer == in_order:
                shuffled = shuffle_options(it, rng)
        out_.append(shuffled)
    return out_


def review_cmd(
    bank_path: BankArg,
    count: Annotated[
        int, typer.Option("-n", "--number", "--count", metavar="N", min=1, help="At most this many items.")
    ] = 20,
    wrong: Annotated[
        bool, typer.Option("--wrong", help="Every item last answered wrong (错题本), due or not.")
    ] = False,
    seed: Annotated[
        int | None,
        typer.Option("--seed", metavar="N", help="Seed for the option order (shuffled each review)."),
    ] = None,
    scoring: ScoringOpt = "practice",
    embedder: EmbedderOpt = "use-m3",
    no_pause: NoPauseOpt = False,
    lang: LangOpt = None,
) -> None:
    """Review the items due today (spaced repetition), wrong answers first (错题本)."""
    from quizgen.session import Store

    _language(lang)
    embedder = check_embedder(embedder)
    policy = _policy(scoring)
    try:
        src = load_source(bank_path)
        store = Store()
        due = store.due(src.question_ids, wrong_only=wrong)
        if not due:
            nxt = store.next_due(src.question_ids)
            if wrong:
                msg = _("No wrong answers to practise: the wrong-answer book is empty.")
            elif nxt is None:
                msg = _("Nothing to review yet: take a quiz first (`quizgen quiz {bank}`).").format(
                    bank=shell_arg(str(bank_path))
                )
            else:
                when = nxt.astimezone().strftime("%Y-%m-%d %H:%M")
                msg = _("Nothing due today. Next review: {when}.").format(when=when)
            out().print(Text(msg), soft_wrap=True)
            store.close()
            return
        if seed is None:
            seed = random.SystemRandom().randrange(1, 1_000_000)
        items = _review_items([c.item for c in due[:count]], random.Random(seed))
        wrong_n = sum(c.last_correct is False for c in due[:count])
        sid = store.create_session(
            items,
            kind="review",
            bank_path=str(bank_path),
            bank_title=src.title,
            seed=seed,
            options={"embedder": embedder, "scoring": policy.name},
        )
    except KeyboardInterrupt:
        raise _interrupted_before_start() from None
    extra = [_("seed {n}").format(n=seed)]
    if wrong_n:
        book = ngettext("{n} from the wrong-answer book", "{n} from the wrong-answer book", wrong_n)
        extra.append(book.format(n=wrong_n))
    _start_line(out(), _("Review: "), len(items), src.title, sid, extra + _scoring_note(policy))
    with store:
        _run_session(
            store,
            sid,
            src=src,
            embedder=embedder,
            policy=policy,
            time_limit_s=None,
            bank_ref=str(bank_path),
            pause=not no_pause,
        )


def resume_cmd(
    session: Annotated[
        int | None,
        typer.Argument(metavar="SESSION", help="Session number (default: the latest unfinished)."),
    ] = None,
    no_pause: NoPauseOpt = False,
    lang: LangOpt = None,
) -> None:
    """Continue an interrupted quiz or review where it stopped."""
    from quizgen.session import RESUMABLE, Store

    _language(lang)
    try:
        store = Store()
        info_ = store.latest_resumable() if session is None else store.session(session)
        if info_ is None:
            store.close()
            if session is None:
                raise UsageError(
                    _("no unfinished session to resume"), hint=_("start one with `quizgen quiz BANK`")
                )
            raise UsageError(_("no session {n}").format(n=session), hint=_("`quizgen history` lists them"))
        if info_.runner_pid is not None:
            store.close()
            raise UsageError(
                _("session {n} is running in another terminal (process {pid})").format(
                    n=info_.id, pid=info_.runner_pid
                ),
                hint=_("continue it there, or quit it there first"),
            )
        if info_.status not in RESUMABLE or info_.answered + info_.skipped >= info_.n_items:
            store.close()
            raise UsageError(
                _("session {n} is {status}, nothing left to answer").format(
                    n=info_.id, status=_status_name(info_.status.value)
                ),
                hint=_("start a new one with `quizgen quiz BANK`"),
            )
        current = _current_source(info_)
        store.claim(info_.id)
    except KeyboardInterrupt:
        raise _interrupted_before_start() from None
    left = info_.n_items - info_.answered - info_.skipped
    done = _("{n} done").format(n=info_.answered + info_.skipped)
    _start_line(out(), _("Resuming: "), left, info_.bank_title, info_.id, [done])
    limit = info_.options.get("time_limit")
    limit_s = max(1.0, float(limit) * 60 - info_.seconds) if limit else None
    with store:
        _run_session(
            store,
            info_.id,
            src=current,
            embedder=str(info_.options.get("embedder") or "use-m3"),
            policy=_policy(str(info_.options.get("scoring") or "practice")),
            time_limit_s=limit_s,
            bank_ref=info_.bank_path,
            pause=not no_pause,
        )


def _status_name(value: str) -> str:
    from quizgen.ui.render import STATUS_NAMES

    return _(STATUS_NAMES.get(value, value))


def _current_source(s: SessionInfo) -> Source | None:
    """The session's bank as it is now (None when the file is gone or broken)."""
    p = Path(s.bank_path)
    if not s.bank_path or not p.is_file():
        return None
    try:
        src = load_source(p)
    except QuizgenError as e:
        warn(
            _("cannot read {path} ({error}); asking the session's items as stored").format(
                path=p, error=e.message
            )
        )
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
    lang: LangOpt = None,
) -> None:
    """Past quiz and review sessions, newest first.

    A session left at its first item (nothing answered or skipped) is not listed unless --all
    is given; `quizgen resume` still continues it. A session whose process was killed shows as
    interrupted."""
    from quizgen.session import Store
    from quizgen.ui.render import history_table

    _language(lang)
    with Store() as store:
        sessions = store.sessions(limit=limit, with_answers=None if show_all else True)
        hidden = 0 if show_all else store.count_sessions(with_answers=False)
    if as_json:
        write_data(json.dumps([s.to_dict() for s in sessions], ensure_ascii=False, indent=2) + "\n")
        return
    console = out()
    if not sessions:
        if hidden:
            msg = _("No answered sessions yet ({hidden}).").format(hidden=_sessions_not_listed(hidden))
        else:
            msg = _("No sessions yet: start one with `quizgen quiz BANK`.")
        console.print(Text(msg), soft_wrap=True)
        return
    console.print(history_table(sessions, console.width))
    if hidden:
        console.print(Text(_sessions_not_listed(hidden), style="dim"), soft_wrap=True)


def _sessions_not_listed(n: int) -> str:
    return ngettext(
        "{n} session without answers not listed; --all shows it",
        "{n} sessions without answers not listed; --all shows them",
        n,
    ).format(n=n)


def stats_cmd(
    bank_path: BankArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    top: Annotated[
        int, typer.Option("--top", metavar="N", min=1, help="Questions to list, weakest first.")
    ] = 10,
    lang: LangOpt = None,
) -> None:
    """Your progress on a bank: accuracy per type and question, the weakest questions, what is due."""
    from quizgen.session import Store
    from quizgen.ui.render import command_line, render_stats

    _language(lang)
    src = load_source(bank_path)
    with Store() as store:
        st = store.stats(src.question_ids, titles=_titles(src, []))
    st = {"bank": str(bank_path), "title": src.title, **st}
    if as_json:
        write_data(json.dumps(st, ensure_ascii=False, indent=2) + "\n")
        return
    console = out()
    if not st["answers"] and not st["skipped"]:
        msg = _("No answers yet for {title}: start with `quizgen quiz {bank}`.").format(
            title=src.title, bank=shell_arg(str(bank_path))
        )
        console.print(Text(msg), soft_wrap=True)
        return
    console.print(render_stats(st, src.title, top))
    console.print(command_line(_("Review: "), f"quizgen review {shell_arg(str(bank_path))}"), soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("quiz")(quiz_cmd)
    app.command("review")(review_cmd)
    app.command("resume")(resume_cmd)
    app.command("history")(history_cmd)
    app.command("stats")(stats_cmd)


__all__ = ["register"]
