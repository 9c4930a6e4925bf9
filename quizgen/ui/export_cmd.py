"""`quizgen export`: a bank or an items file -> exam paper (md/html/docx/pdf) or LMS file."""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from quizgen.errors import UsageError
from quizgen.ui.console import (
    check_not_input,
    info,
    load_source,
    parse_types_option,
    pick_items,
    warn,
    write_data,
)

if TYPE_CHECKING:
    from quizgen.items import Item, ItemType
    from quizgen.scoring import ScoringPolicy

FORMAT_HELP = (
    "md, html, docx, pdf (papers); moodle, gift, qti, apkg, csv (LMS and flashcards); "
    "web (a quiz page for phones)."
)
DEFAULT_COUNT = 20


def _parse_points(spec: str | None) -> dict[Any, float]:
    """``short=10,choice=2`` -> {SHORT: 10, CHOICE: 2}."""
    from quizgen.items import ItemType

    if not spec:
        return {}
    out: dict[Any, float] = {}
    for part in spec.replace("，", ",").split(","):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        try:
            t = ItemType(name.strip().lower())
            p = float(value)
        except ValueError:
            raise UsageError(
                f"bad --points entry {part.strip()!r}",
                hint="give TYPE=POINTS pairs, e.g. --points choice=2,short=10 "
                f"(types: {', '.join(t.value for t in ItemType)})",
            ) from None
        if not sep or p < 0:
            raise UsageError(f"bad --points entry {part.strip()!r}", hint="e.g. --points choice=2,short=10")
        out[t] = p
    return out


def _policy(rule: str) -> ScoringPolicy:
    """The exam scoring policy with the --multi-scoring rule for 多选题."""
    from quizgen.scoring import EXAM, MultiRule

    try:
        return EXAM.with_multi(MultiRule(rule.strip().lower()))
    except ValueError:
        raise UsageError(
            f"unknown --multi-scoring {rule!r}",
            hint="use strict (多选、少选、错选均不得分, the default), half (少选得一半分) or partial "
            "(1/n per right option, -1/n per wrong one)",
        ) from None


def _format_of_name(name: str) -> str | None:
    """The format a file name's extension stands for (``p.html`` -> html), or None."""
    from quizgen.export import EXTENSIONS

    low = name.lower()
    for f, ext in sorted(EXTENSIONS.items(), key=lambda kv: -len(kv[1])):
        if low.endswith(ext) and f != "moodle":
            return f
    if low.endswith(".xml"):
        return "moodle"
    return None


def _infer_format(fmt: str | None, output: Path | None) -> str:
    from quizgen.export import FORMATS

    if fmt:
        f = fmt.strip().lower()
        if f not in FORMATS:
            raise UsageError(f"unknown --format {fmt!r}", hint=FORMAT_HELP)
        return f
    if output is not None and not output.is_dir():
        found = _format_of_name(output.name)
        if found is not None:
            return found
    raise UsageError("which format?", hint=f"give --format: {FORMAT_HELP}")


def _output_base(output: Path, fmt: str) -> Path:
    """Where -o points: a file name, or an existing folder (then ``paper.md``, ``quiz.xml``...
    inside it). Warns when the file name's extension says another format than --format."""
    from quizgen.export import EXTENSIONS, PAPER_FORMATS

    if output.is_dir():
        return output / f"{'paper' if fmt in PAPER_FORMATS else 'quiz'}{EXTENSIONS[fmt]}"
    named = _format_of_name(output.name)
    if named is not None and EXTENSIONS[named] != EXTENSIONS[fmt]:
        warn(
            f"-o {output} has the extension of {named}, but the format is {fmt}: "
            f"writing {fmt} into it (name it *{EXTENSIONS[fmt]}, or give --format {named})"
        )
    return output


def export_cmd(
    source: Annotated[
        Path,
        typer.Argument(
            metavar="BANK_OR_ITEMS",
            help="Bank file, or an items file from `quizgen generate`.",
            show_default=False,
        ),
    ],
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", metavar="FORMAT", help=FORMAT_HELP + " Default: from -o's extension."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            metavar="FILE",
            help="Write here (a folder: paper.EXT inside it); variants and keys get -A/-B/-key added "
            "to the name. Default: stdout.",
        ),
    ] = None,
    answer_key: Annotated[
        bool, typer.Option("--answer-key", help="Also write 答案及评分标准 (papers).")
    ] = False,
    variants: Annotated[
        int,
        typer.Option("--variants", metavar="N", help="Papers A, B, ... with questions and options shuffled."),
    ] = 1,
    seed: Annotated[
        int,
        typer.Option(
            "--seed",
            metavar="N",
            help="Random seed for generating and shuffling variants: same seed, same paper.",
        ),
    ] = 7,
    title: Annotated[
        str | None,
        typer.Option("--title", metavar="TITLE", help="Paper/deck title (default: the bank's title)."),
    ] = None,
    count: Annotated[
        int | None,
        typer.Option(
            "-n",
            "--number",
            metavar="N",
            min=1,
            help=f"How many items to make from a bank [default: {DEFAULT_COUNT}]. An items file is "
            "exported whole; with -n, its first N (what is left out is reported).",
        ),
    ] = None,
    types: Annotated[
        list[str] | None,
        typer.Option("--types", "-t", metavar="TYPES", help="Item types, e.g. choice,fill,short."),
    ] = None,
    per_question: Annotated[
        int | None,
        typer.Option("--per-question", metavar="N", min=1, help="At most N items per bank question."),
    ] = None,
    points: Annotated[
        str | None,
        typer.Option("--points", metavar="TYPE=N,...", help="Points per item type, e.g. choice=2,short=10."),
    ] = None,
    subject: Annotated[
        str | None,
        typer.Option("--subject", metavar="TEXT", help="考试科目 line under the paper's title."),
    ] = None,
    exam_time: Annotated[
        str | None,
        typer.Option(
            "--exam-time", metavar="TEXT", help="考试时间 line, e.g. '120分钟' or '6月20日 9:00-11:00'."
        ),
    ] = None,
    notices: Annotated[
        list[str] | None,
        typer.Option(
            "--notice",
            metavar="TEXT",
            help="A line of 注意事项 on the paper (repeat for several: numbered in order).",
        ),
    ] = None,
    multi_scoring: Annotated[
        str,
        typer.Option(
            "--multi-scoring",
            metavar="RULE",
            help="How 多选题 are scored, stated on the paper and its key and applied by Moodle, GIFT and "
            "QTI: strict (多选、少选、错选均不得分), half (少选得一半分) or partial (1/n per right option, "
            "-1/n per wrong one).",
        ),
    ] = "strict",
    font: Annotated[
        str | None,
        typer.Option(
            "--font",
            metavar="FONT",
            help="CJK font for pdf (file or family) and docx (family). Default: found on the system.",
        ),
    ] = None,
    mode: Annotated[
        str,
        typer.Option(
            "--mode",
            metavar="MODE",
            help="web: practice (feedback and explanation after each answer) or exam (no key in the page, "
            "score after submit).",
        ),
    ] = "practice",
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--time-limit", metavar="MIN", help="web exam: minutes until the page submits by itself."
        ),
    ] = None,
    keyless: Annotated[
        bool,
        typer.Option(
            "--keyless", help="web exam: not even hashed answers in the page; students see no score."
        ),
    ] = False,
) -> None:
    """Export a paper with answer key (md/html/docx/pdf) or a Moodle/GIFT/QTI/Anki/CSV file."""
    from quizgen.export import (
        BINARY,
        LMS_FORMATS,
        MAX_VARIANTS,
        NO_HEADER,
        PAPER_FORMATS,
        PaperHeader,
        caveats,
        export,
        output_path,
        with_points,
        write_outputs,
    )

    f = _infer_format(fmt, output)
    policy = _policy(multi_scoring)
    web = _web_options(f, mode, time_limit, keyless)
    if not 1 <= variants <= MAX_VARIANTS:
        raise UsageError(f"--variants must be between 1 and {MAX_VARIANTS}, got {variants}")
    if variants > 1 and f in LMS_FORMATS:
        raise UsageError(
            f"--variants applies to papers ({', '.join(PAPER_FORMATS)}), not to {f}",
            hint="an LMS shuffles questions and options itself; leave --variants out",
        )
    if output is None and f in BINARY - {"csv"}:
        raise UsageError(
            f"{f} is a binary format and cannot go to the terminal", hint=f"give a file: -o paper{_ext(f)}"
        )
    wanted = parse_types_option(types)
    pts = _parse_points(points)
    base = _output_base(output, f) if output is not None else None
    if base is not None:
        check_not_input(output, source, suggest=f"paper{_ext(f)}")
    if answer_key and f in LMS_FORMATS:
        warn(f"--answer-key is not needed for {f}: the answers are always in the file")
    header = PaperHeader.of(subject or "", exam_time or "", notices or ())
    if header != NO_HEADER and (f in LMS_FORMATS or f == "web"):
        warn(f"--subject, --exam-time and --notice are printed on papers, not written to {f}")
    if answer_key and f == "web":
        warn(
            "--answer-key does not apply to web: keep the items file, "
            "`quizgen results collect` scores with it"
        )
    rng = random.Random(seed)

    src = load_source(source)
    if src.items is not None and per_question is not None:
        raise UsageError(
            f"--per-question applies when items are generated from a bank; {source} is an items file, "
            "exported as it is",
            hint="leave --per-question out, or make the items again: "
            "quizgen generate BANK --per-question N -o ITEMS",
        )
    default_count = DEFAULT_COUNT if src.items is None else len(src.items)
    items = pick_items(
        src, count=count, default_count=default_count, types=wanted, rng=rng, per_question=per_question
    )
    if src.items is None:
        made = f"{len(items)} items generated from {source} · seed {seed}"
    else:
        _say_left_out(src.items, len(items), source, count, wanted)
        made = f"{len(items)} items from {source}"
        if src.seed is not None:
            made += f" (generated with seed {src.seed})"
        if variants > 1:
            made += f" · variants shuffled with seed {seed}"
    items = with_points(items, pts)
    outs = export(
        items,
        f,
        title=title or src.title,
        rng=rng,
        answer_key=answer_key,
        variants=variants,
        font=font,
        split=output is not None,
        policy=policy,
        header=header,
        web=web,
    )
    for caveat in caveats(items, f, policy):
        warn(caveat)
    if base is None:
        write_data(outs[0].data.decode("utf-8").lstrip("\ufeff"))
        info(f"{made} · {f}")
        if f == "web" and src.items is None:
            warn(
                "the items were generated from the bank and not kept, so results cannot be scored: "
                "give -o quiz.html (the items are written next to it), or make them first with "
                "quizgen generate BANK -o items.yaml"
            )
        return
    for o in outs:  # names made from -o (an extension added, -A, -key): none may be the input
        path = output_path(base, o.format, o.suffix)
        if path != output:
            check_not_input(path, source, suggest=f"paper{_ext(f)}", named_after=output)
    paths = write_outputs(outs, base)
    info(made)
    for o, p in zip(outs, paths, strict=True):
        info(f"  {o.label} -> {p}")
    if f == "web" and src.items is None:
        # Generated here: results are scored against these items, so they must be kept.
        from quizgen.items import save_items

        kept = base.with_name(base.stem + ".items.yaml")
        check_not_input(kept, source, suggest="quiz.items.yaml")
        save_items(items, kept, bank=src.title, seed=seed)
        info(f"  items (keep them to score results: quizgen results collect ... --items {kept}) -> {kept}")


def _web_options(fmt: str, mode: str, time_limit: float | None, keyless: bool) -> Any:
    """The web page's options; they are errors with any other format."""
    from quizgen.export.web import WebMode, WebOptions

    try:
        m = WebMode(mode.strip().lower())
    except ValueError:
        raise UsageError(f"unknown --mode {mode!r}", hint="use practice or exam") from None
    if fmt != "web":
        if m is not WebMode.PRACTICE or time_limit is not None or keyless:
            raise UsageError(
                "--mode, --time-limit and --keyless are for the web quiz", hint="add --format web"
            )
        return None
    if m is not WebMode.EXAM and (time_limit is not None or keyless):
        raise UsageError("--time-limit and --keyless are for exam pages", hint="add --mode exam")
    if time_limit is not None and not 0 < time_limit <= 24 * 60:
        raise UsageError(f"--time-limit must be 1-1440 minutes, got {time_limit:g}")
    return WebOptions(mode=m, time_limit=time_limit, keyless=keyless)


def _say_left_out(
    all_items: Sequence[Item], kept: int, source: Path, count: int | None, types: Sequence[ItemType] | None
) -> None:
    """Warn about the items of an items file that are not exported (--types, -n)."""
    of_type = sum(1 for it in all_items if types is None or it.type in types)
    other = len(all_items) - of_type
    beyond = of_type - kept
    if not other and not beyond:
        return
    total = len(all_items)
    if not other:
        warn(f"exporting the first {kept} of {total} items in {source} (-n {count}): {beyond} left out")
        return
    wanted = ",".join(t.value for t in types or ())
    msg = f"exporting {kept} of {total} items in {source}: {other} of other types left out (--types {wanted})"
    if beyond:
        msg += f" and {beyond} more after the first {kept} (-n {count})"
    warn(msg)


def _ext(fmt: str) -> str:
    from quizgen.export import EXTENSIONS

    return EXTENSIONS[fmt]


def register(app: typer.Typer) -> None:
    app.command("export")(export_cmd)
