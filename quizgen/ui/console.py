"""Consoles, the error boundary and the option checks shared by every command.

Data goes to stdout, messages to stderr. Bank text is always passed as `rich.text.Text`
or printed with ``markup=False`` so ``[b]`` in a question prints as typed.

Shared command-line checks live here so every command says the same thing the same way:
`check_not_input` (``-o`` must not overwrite an input), `parse_types_option` (``--types``),
`check_embedder` (``--embedder``); and `load_source` / `pick_items` / `no_items_error`
(a bank or an items file in, the items to ask or print out).
"""

from __future__ import annotations

import os
import random
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text
from typer.core import TyperCommand, TyperGroup

from quizgen.errors import EXIT_DATA, EXIT_INTERRUPTED, ItemsError, QuizgenError, UsageError
from quizgen.i18n import _

if TYPE_CHECKING:
    from quizgen.bank import Bank
    from quizgen.items import Item, ItemType


def _no_color() -> bool:
    return bool(os.environ.get("NO_COLOR"))


def out() -> Console:
    # Built on each call so tests that swap sys.stdout (CliRunner) see the output.
    return Console(file=sys.stdout, no_color=_no_color(), highlight=False, soft_wrap=False)


def err() -> Console:
    return Console(file=sys.stderr, no_color=_no_color(), highlight=False, soft_wrap=True)


def error(message: str) -> None:
    err().print(Text(_("Error: "), style="bold red") + Text(message))


def warn(message: str) -> None:
    err().print(Text(_("Warning: "), style="yellow") + Text(message))


def info(message: str) -> None:
    err().print(Text(message, style="dim"))


def write_data(text: str) -> None:
    """Raw data (YAML, JSON, CSV) to stdout, untouched by rich."""
    sys.stdout.write(text)
    sys.stdout.flush()


class QuizgenGroup(TyperGroup):
    """One error boundary for every command: library errors become ``Error: ...`` on stderr
    and their exit code; Ctrl-C exits 130 (a command that must print a summary on Ctrl-C
    handles KeyboardInterrupt itself first)."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except QuizgenError as e:
            error(e.render())  # rendered now: in the language the command chose
            raise typer.Exit(e.exit_code) from None
        except KeyboardInterrupt:
            err().print(Text(_("Interrupted."), style="yellow"))
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except BrokenPipeError:
            # `quizgen parse x | head`: the reader went away; not an error of ours.
            try:
                sys.stdout = open(os.devnull, "w")  # noqa: SIM115
            finally:
                raise typer.Exit(0) from None
        except OSError as e:
            # A file the command could not read or write (a folder given as -o, no permission,
            # disk full): say which, without a traceback.
            name = e.filename2 if e.filename2 is not None else e.filename
            error(f"{name}: {e.strerror}" if name is not None else str(e))
            raise typer.Exit(EXIT_DATA) from None


def _arg_name(p: Any) -> str:
    return str(p.metavar or (p.name or "ARG").upper()).strip("[]{}")


def _default_metavar(p: Any) -> str | None:
    d = getattr(p, "type_descriptor", None)
    if d is None or getattr(d, "is_choice", False):
        return None  # typer lists the choices
    if getattr(d, "is_path", False):
        return "FILE"
    ann = getattr(d, "annotation", None)
    if ann is int:
        return "N"
    if ann is float:
        return "NUM"
    long = max(p.opts, key=len).lstrip("-")
    return long.upper().replace("-", "_") or "TEXT"


class QuizgenCommand(TyperCommand):
    """Help that reads the same in every command: arguments by their metavar (``BANK``,
    ``[SESSION]``) and each option's value as one word (``FILE``, ``N``, ``TYPES``) instead of
    typer's ``{BANK}``, ``BANK <path>`` and ``<list[str]>``. An option without a metavar gets
    one from its type (FILE, N, NUM) or its name (``--encoding ENCODING``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for p in self.params:
            if (
                p.param_type_name == "option"
                and p.metavar is None
                and not getattr(p, "is_flag", False)
                and not getattr(p, "count", False)
            ):
                p.metavar = _default_metavar(p)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for p in self.get_params(ctx):
            if p.param_type_name == "argument":
                name = _arg_name(p) + ("..." if p.nargs != 1 else "")
                pieces.append(name if p.required else f"[{name}]")
            else:
                pieces.extend(p.get_usage_pieces(ctx))
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        args: list[tuple[str, str]] = []
        opts: list[tuple[str, str]] = []
        for p in self.get_params(ctx):
            rv = p.get_help_record(ctx)
            if rv is None:
                continue
            if p.param_type_name == "argument":
                args.append((_arg_name(p), rv[1]))
            else:
                opts.append(rv)
        for title, rows in (("Arguments", args), ("Options", opts)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


class QuizgenTyper(typer.Typer):
    """A typer app whose commands are `QuizgenCommand`s."""

    def command(self, name: str | None = None, *, cls: Any = None, **kwargs: Any) -> Any:
        return super().command(name, cls=cls or QuizgenCommand, **kwargs)


def command_group(*, cls: type[QuizgenGroup] = QuizgenGroup, **kwargs: Any) -> typer.Typer:
    """A typer app whose group has the shared error boundary (`cls` may extend it)."""
    return QuizgenTyper(cls=cls, no_args_is_help=True, rich_markup_mode=None, **kwargs)


# ---------------------------------------------------------------------------- option checks


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
        return a.resolve() == b.resolve()
    except OSError:
        return False


def load_quiz_items(path: Path) -> list[Item]:
    """The items a quiz was made from (results are scored against them): a bank is refused."""
    from quizgen.items import load_bank_or_items

    loaded = load_bank_or_items(path)
    if not isinstance(loaded, list):
        raise UsageError(
            f"{path} is a bank, not an items file",
            hint="give the items the quiz was made from: `quizgen export BANK -f web -o quiz.html` wrote "
            "quiz.items.yaml next to the page; pass a bank with --bank",
        )
    return loaded


def check_not_input(
    output: Path | str | None,
    *inputs: Path | str | None,
    suggest: str | None = None,
    option: str = "-o",
    named_after: Path | str | None = None,
) -> None:
    """A UsageError (exit 2) when `output` is one of the `inputs` (the same file by any path
    or link): writing it would destroy the input. `suggest` is an output name for the hint;
    `named_after` the -o value a derived name (``paper-A-key.md``) was made from."""
    if output is None:
        return
    out_p = Path(output)
    ins = [Path(i) for i in inputs if i is not None]
    if not any(_same_file(out_p, i) for i in ins):
        return
    hint = "writing there would overwrite the input"
    if suggest:
        s = Path(suggest)
        if any(_same_file(s, i) for i in ins):
            s = s.with_name(f"{s.stem}-new{s.suffix}")
        hint = f"e.g. {option} {s}"
    what = (
        f"{output} (named after {option} {named_after})" if named_after is not None else f"{option} {output}"
    )
    raise UsageError(f"{what} is the input file; choose another output path", hint=hint)


def parse_types_option(values: str | Sequence[str] | None) -> list[ItemType] | None:
    """``--types choice,tf`` (or ``-t choice -t tf``, full-width commas too) -> item types in
    the order given; None (all types) when the option is absent or says ``all``. An empty
    value is a usage error: ``--types ''`` would otherwise silently mean every type."""
    from quizgen.items import ItemType

    if values is None:
        return None
    raw = [values] if isinstance(values, str) else list(values)
    if not raw:
        return None
    names = [n.strip().lower() for v in raw for n in v.replace("，", ",").split(",")]
    names = [n for n in names if n]
    valid = ", ".join(t.value for t in ItemType)
    if not names:
        raise UsageError("--types is empty", hint=f"give one or more of: {valid} (e.g. --types choice,tf)")
    if names == ["all"]:
        return None
    out: list[ItemType] = []
    for name in names:
        try:
            t = ItemType(name)
        except ValueError:
            raise UsageError(
                f"unknown item type {name!r} in --types",
                hint=f"valid types: {valid} (e.g. --types choice,tf)",
            ) from None
        if t not in out:
            out.append(t)
    return out


EMBEDDER_HELP = (
    "How short answers are graded: use-m3 (multilingual sentence encoder, the default), "
    "none (key points only) or st:NAME_OR_PATH (a local sentence-transformers model)."
)
_NO_EMBEDDER = ("none", "off", "keywords")
_USE_M3 = ("use-m3", "usem3", "use")


def check_embedder(spec: str) -> str:
    """The --embedder value, checked by its form only (loading a model takes seconds and is
    done when the first short answer is graded): use-m3, none or st:NAME_OR_PATH."""
    s = spec.strip()
    low = s.lower()
    if low in _NO_EMBEDDER or low in _USE_M3 or (low.startswith("st:") and s[3:].strip()):
        return s
    raise UsageError(
        f"unknown --embedder {spec!r}",
        hint="use one of: use-m3 (default), none (grade by key points only), "
        "st:NAME_OR_PATH (a sentence-transformers model, e.g. st:/path/to/model)",
    )


def embedder_is_none(spec: str) -> bool:
    return spec.strip().lower() in _NO_EMBEDDER


# ---------------------------------------------------------------------------- sources and items


@dataclass(frozen=True)
class Source:
    """A bank, or an items file from `quizgen generate` (then `items` is set, `bank` is None)."""

    path: Path
    title: str
    bank: Bank | None = None
    items: list[Item] | None = None
    seed: int | None = None  # the seed an items file was generated with (its header), if known

    @property
    def question_ids(self) -> frozenset[str]:
        if self.items is not None:
            return frozenset(i.question_id for i in self.items)
        assert self.bank is not None
        return frozenset(q.id for q in self.bank.questions)


_ITEMS_KEY_RE = re.compile(r"^items[ \t]*:", re.M)


def items_header(text: str) -> dict[str, Any]:
    """The header of an items file (``generator``, ``bank``, ``seed``...), {} when unreadable.
    Only the header is read (it comes before ``items:`` in files we write), so a big file is
    not parsed twice."""
    from quizgen.bank import parse_document

    m = None if text.lstrip().startswith("{") else _ITEMS_KEY_RE.search(text)
    data, error = parse_document(text[: m.start()] if m else text)
    return data if error is None and isinstance(data, dict) else {}


def items_header_title(text: str) -> str | None:
    """The title in an items file's header (see `_header_title`)."""
    return _header_title(items_header(text))


def _header_title(data: dict[str, Any]) -> str | None:
    """The title an items file carries in its header: ``title:``, or ``bank:`` (the bank's
    title, as `quizgen generate` writes it)."""
    for key in ("title", "bank_title", "bank"):
        v = data.get(key)
        if isinstance(v, dict):
            v = v.get("title")
        if isinstance(v, str) and v.strip():
            return " ".join(v.split())
    return None


def load_source(path: Path) -> Source:
    """A bank or an items file, told apart by `quizgen.bank.detect_kind` (parsed once). Notes
    and other files get the bank loader's error (``looks like notes, not a bank``)."""
    from quizgen.bank import read_text_file
    from quizgen.items import loads_bank_or_items

    text = read_text_file(path)
    loaded = loads_bank_or_items(text, path)
    if isinstance(loaded, list):
        header = items_header(text)
        seed = header.get("seed")
        return Source(
            path,
            _header_title(header) or path.stem,
            items=loaded,
            seed=seed if isinstance(seed, int) and not isinstance(seed, bool) else None,
        )
    return Source(path, loaded.title or path.stem, bank=loaded)


def _type_list(types: Sequence[ItemType] | None) -> str:
    return ",".join(t.value for t in types) if types else ""


def no_items_error(
    path: Path, types: Sequence[ItemType] | None, *, items: Sequence[Item] | None = None
) -> ItemsError:
    """The one error for "nothing to ask / print": from a bank (`items` None) or an items file.
    A data condition (exit 1), with a hint that works on that kind of file."""
    from quizgen.items import ItemType

    wanted = _type_list(types)
    if items is None:
        what = f"of type(s) {', '.join(t.value for t in types)}" if types else "from this bank"
        return ItemsError(
            f"no items could be generated {what}",
            where=str(path),
            hint="try other --types, or see why candidates were rejected: "
            f"quizgen generate {path}{f' --types {wanted}' if wanted else ''} --report",
        )
    if not items:
        return ItemsError(
            "the items file holds no items",
            where=str(path),
            hint="make items from a bank: quizgen generate BANK -o ITEMS",
        )
    present = [t.value for t in ItemType if any(i.type is t for i in items)]
    return ItemsError(
        f"no items of type(s) {', '.join(t.value for t in types or ())} in this items file",
        where=str(path),
        hint=f"it has: {', '.join(present)}; use --types with those, "
        f"or make more items: quizgen generate BANK --types {wanted} -o ITEMS",
    )


def fewer_items_warning(made: int, asked: int, source: Source, types: Sequence[ItemType] | None) -> None:
    """Warn (stderr) that fewer items came out than were asked for, and why."""
    kinds = f" of type(s) {', '.join(t.value for t in types)}" if types else ""
    if source.items is None:
        why = f"the bank has no more good candidates{kinds}"
    else:
        why = f"the items file holds no more{kinds}"
    warn(f"made {made} item{'' if made == 1 else 's'}, fewer than the {asked} asked for ({why})")


def pick_items(
    source: Source,
    *,
    count: int | None,
    default_count: int,
    types: Sequence[ItemType] | None,
    rng: random.Random,
    per_question: int | None = None,
) -> list[Item]:
    """The items to quiz or export: the first `count` of an items file (of the wanted types),
    or `count` items generated from a bank. Raises `no_items_error`; warns when fewer come out
    than asked for (for an items file only when -n was given)."""
    if source.items is not None:
        pool = [i for i in source.items if types is None or i.type in types]
        if not pool:
            raise no_items_error(source.path, types, items=source.items)
        n = count or default_count
        if count is not None and len(pool) < count:
            fewer_items_warning(len(pool), count, source, types)
        return pool[:n]
    from quizgen.generate import generate

    assert source.bank is not None
    n = count or default_count
    items = list(generate(source.bank, n=n, types=types, rng=rng, per_question=per_question).items)
    if not items:
        raise no_items_error(source.path, types)
    if len(items) < n:
        fewer_items_warning(len(items), n, source, types)
    return items


# ---------------------------------------------------------------------------- rendering helpers


def clip(text: Text, width: int) -> Text:
    """`text` on one line, cut to `width` cells with "…" right after the last character that
    fits (rich pads a cut wide character with a space before the ellipsis: "深度学 …")."""
    line = text.copy()
    line.plain = line.plain.replace("\n", " ")
    if cell_len(line.plain) <= width:
        return line
    if width <= 1:
        return Text("…"[:width])
    keep, cells = 0, 0
    for ch in line.plain:
        w = cell_len(ch)
        if cells + w > width - 1:
            break
        cells += w
        keep += 1
    out = line[:keep]
    out.rstrip()
    out.append("…")
    return out


class Clip:
    """A table cell that is cut with `clip` to whatever width the table gives it."""

    def __init__(self, text: Text | str) -> None:
        self.text = text if isinstance(text, Text) else Text(text)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield clip(self.text, max(1, options.max_width))

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        width = cell_len(self.text.plain.replace("\n", " "))
        return Measurement(min(width, 4), width)
