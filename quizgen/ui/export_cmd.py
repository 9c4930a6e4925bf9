"""`quizgen export`: a bank or an items file -> exam paper (md/html/docx/pdf) or LMS file."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Annotated, Any

import typer

from quizgen.errors import UsageError
from quizgen.ui.console import info, warn, write_data

FORMAT_HELP = "md, html, docx, pdf (papers); moodle, gift, qti, apkg, csv (LMS and flashcards)."


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


def _infer_format(fmt: str | None, output: Path | None) -> str:
    from quizgen.export import EXTENSIONS, FORMATS

    if fmt:
        f = fmt.strip().lower()
        if f not in FORMATS:
            raise UsageError(f"unknown --format {fmt!r}", hint=FORMAT_HELP)
        return f
    if output is not None:
        name = output.name.lower()
        for f, ext in sorted(EXTENSIONS.items(), key=lambda kv: -len(kv[1])):
            if name.endswith(ext) and f != "moodle":
                return f
        if name.endswith(".xml"):
            return "moodle"
    raise UsageError("which format?", hint=f"give --format: {FORMAT_HELP}")


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
        str | None, typer.Option("--format", "-f", help=FORMAT_HELP + " Default: from -o's extension.")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="Write here; variants and keys get -A/-B/-key added to the name. Default: stdout.",
        ),
    ] = None,
    answer_key: Annotated[
        bool, typer.Option("--answer-key", help="Also write 答案及评分标准 (papers).")
    ] = False,
    variants: Annotated[
        int, typer.Option("--variants", help="Papers A, B, ... with questions and options shuffled.")
    ] = 1,
    seed: Annotated[
        int,
        typer.Option(
            "--seed", help="Random seed for generating and shuffling variants: same seed, same paper."
        ),
    ] = 7,
    title: Annotated[
        str | None, typer.Option("--title", help="Paper/deck title (default: the bank's title).")
    ] = None,
    count: Annotated[
        int | None,
        typer.Option(
            "-n",
            "--number",
            help="How many items to make from a bank [default: 20]; of an items file, the first N.",
        ),
    ] = None,
    types: Annotated[
        list[str] | None, typer.Option("--types", "-t", help="Item types, e.g. choice,fill,short.")
    ] = None,
    per_question: Annotated[
        int | None, typer.Option("--per-question", help="At most K items per bank question.")
    ] = None,
    points: Annotated[
        str | None, typer.Option("--points", help="Points per item type, e.g. choice=2,short=10.")
    ] = None,
    font: Annotated[
        str | None,
        typer.Option(
            "--font",
            help="CJK font for pdf (file or family) and docx (family). Default: found on the system.",
        ),
    ] = None,
) -> None:
    """Export a paper with answer key (md/html/docx/pdf) or a Moodle/GIFT/QTI/Anki/CSV file."""
    from quizgen.bank import load, read_text_file
    from quizgen.export import (
        BINARY,
        LMS_FORMATS,
        MAX_VARIANTS,
        PAPER_FORMATS,
        export,
        with_points,
        write_outputs,
    )
    from quizgen.items import is_items_document, loads_items

    f = _infer_format(fmt, output)
    if not 1 <= variants <= MAX_VARIANTS:
        raise UsageError(f"--variants must be between 1 and {MAX_VARIANTS}, got {variants}")
    if variants > 1 and f in LMS_FORMATS:
        raise UsageError(
            f"--variants applies to papers ({', '.join(PAPER_FORMATS)}), not to {f}",
            hint="an LMS shuffles questions and options itself; leave --variants out",
        )
    if count is not None and count < 1:
        raise UsageError(f"-n must be at least 1, got {count}")
    if per_question is not None and per_question < 1:
        raise UsageError(f"--per-question must be at least 1, got {per_question}")
    if output is None and f in BINARY - {"csv"}:
        raise UsageError(
            f"{f} is a binary format and cannot go to the terminal", hint=f"give a file: -o paper{_ext(f)}"
        )
    if answer_key and f in LMS_FORMATS:
        warn(f"--answer-key is not needed for {f}: the answers are always in the file")
    wanted = _parse_types(types)
    pts = _parse_points(points)
    rng = random.Random(seed)

    text = read_text_file(source)
    if is_items_document(text):
        items = loads_items(text, str(source))
        items = [i for i in items if wanted is None or i.type in wanted]
        if count is not None:
            items = items[:count]
        default_title = _items_title(text) or source.stem
        made = f"{len(items)} items from {source}"
    else:
        from quizgen.generate import generate

        bank = load(source)
        n = count or 20
        items = list(generate(bank, n=n, types=wanted, rng=rng, per_question=per_question).items)
        default_title = bank.title or source.stem
        made = f"{len(items)} items generated from {source}"
        if 0 < len(items) < n:
            warn(
                f"the bank gave {len(items)} of the {n} items asked for "
                "(it has no more good candidates of those types)"
            )
    if not items:
        raise UsageError(
            f"no items to export from {source}"
            + (f" of type {', '.join(t.value for t in wanted)}" if wanted else ""),
            hint="try other --types, or check the bank with `quizgen bank stats`",
        )
    items = with_points(items, pts)
    outs = export(
        items,
        f,
        title=title or default_title,
        rng=rng,
        answer_key=answer_key,
        variants=variants,
        font=font,
        split=output is not None,
    )
    if output is None:
        write_data(outs[0].data.decode("utf-8").lstrip("\ufeff"))
        info(f"{made} · {f} · seed {seed}")
        return
    paths = write_outputs(outs, output)
    info(f"{made} · seed {seed}")
    for o, p in zip(outs, paths, strict=True):
        info(f"  {o.label} -> {p}")


def _parse_types(values: list[str] | None) -> list[Any] | None:
    if not values:
        return None
    from quizgen.generate import parse_types
    from quizgen.items import ItemType

    try:
        return list(parse_types(",".join(values).replace("，", ",")))
    except ValueError as e:
        raise UsageError(
            f"unknown item type {e.args[0]!r}",
            hint=f"use one or more of: {', '.join(t.value for t in ItemType)} (e.g. --types choice,tf)",
        ) from None


def _ext(fmt: str) -> str:
    from quizgen.export import EXTENSIONS

    return EXTENSIONS[fmt]


def _items_title(text: str) -> str | None:
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    if isinstance(data, dict):
        for key in ("title", "bank_title"):
            if isinstance(data.get(key), str) and data[key].strip():
                return str(data[key]).strip()
        bank = data.get("bank")  # `quizgen generate` writes the bank's title here
        if isinstance(bank, str) and bank.strip():
            return bank.strip()
        if isinstance(bank, dict) and isinstance(bank.get("title"), str):
            return str(bank["title"])
    return None


def register(app: typer.Typer) -> None:
    app.command("export")(export_cmd)
