"""Items -> exam papers (md, html, docx, pdf), files LMSs and flashcard apps import
(moodle, gift, qti, apkg, csv), and a self-contained web quiz for phones (web).

    from quizgen.export import export, write_outputs
    outs = export(items, "html", title="深度学习基础", rng=random.Random(7), answer_key=True, variants=2)
    paths = write_outputs(outs, "paper.html")   # paper-A.html, paper-A-key.html, paper-B.html, ...

One scoring policy per export (`quizgen.scoring.ScoringPolicy`, default `EXAM`: 多选题
all-or-nothing, 多选、少选、错选均不得分): the paper states its 多选题 rule, the key repeats it,
and Moodle, GIFT and QTI score by it; `caveats` says where a format cannot follow it exactly.

Library code: no terminal output; problems raise `ExportError`. Each format lives in its own
module and is imported only when used (typst, python-docx and genanki load lazily).
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from quizgen.bank import atomic_write_bytes
from quizgen.errors import ExportError
from quizgen.export.paper import (
    MAX_VARIANTS,
    NO_HEADER,
    Doc,
    PaperHeader,
    Part,
    build_papers,
    docs_for,
    with_points,
)
from quizgen.items import Item, ItemType
from quizgen.scoring import EXAM, MultiRule, ScoringPolicy

if TYPE_CHECKING:
    from quizgen.export.web import WebOptions

__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "LMS_FORMATS",
    "MAX_VARIANTS",
    "NO_HEADER",
    "PAPER_FORMATS",
    "OutputFile",
    "PaperHeader",
    "caveats",
    "export",
    "output_path",
    "with_points",
    "write_outputs",
]

PAPER_FORMATS: tuple[str, ...] = ("md", "html", "docx", "pdf")
LMS_FORMATS: tuple[str, ...] = ("moodle", "gift", "qti", "apkg", "csv")
FORMATS: tuple[str, ...] = (*PAPER_FORMATS, *LMS_FORMATS, "web")

# Moodle's GIFT import takes .txt files; QTI packages are plain zips.
EXTENSIONS: dict[str, str] = {
    "md": ".md",
    "html": ".html",
    "docx": ".docx",
    "pdf": ".pdf",
    "moodle": ".xml",
    "gift": ".gift.txt",
    "qti": ".zip",
    "apkg": ".apkg",
    "csv": ".csv",
    "web": ".html",
}
BINARY: frozenset[str] = frozenset({"docx", "pdf", "qti", "apkg", "csv"})
# LMS formats that score answers themselves, and so take the export's 多选题 rule.
SCORED_FORMATS: frozenset[str] = frozenset({"moodle", "gift", "qti"})


@dataclass(frozen=True)
class OutputFile:
    """One file of an export. `suffix` goes before the extension: "", "-key", "-A", "-A-key"."""

    format: str
    data: bytes
    suffix: str = ""
    variant: str | None = None
    part: Part | None = None

    @property
    def label(self) -> str:
        what = "answer key" if self.part is Part.KEY else "paper" if self.part is Part.PAPER else self.format
        return f"{what} {self.variant}" if self.variant else what


def check_format(fmt: str) -> str:
    f = fmt.strip().lower()
    if f not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}", hint=f"use one of: {', '.join(FORMATS)}")
    return f


def _render_paper(fmt: str, docs: list[Doc], font: str | None) -> bytes:
    mod = importlib.import_module(f"quizgen.export.{fmt}")
    if fmt in ("docx", "pdf"):
        data: bytes | str = mod.render(docs, font=font)
    else:
        data = mod.render(docs)
    return data if isinstance(data, bytes) else data.encode("utf-8")


def export(
    items: Sequence[Item],
    fmt: str,
    *,
    title: str,
    rng: random.Random | None = None,
    answer_key: bool = False,
    variants: int = 1,
    font: str | None = None,
    split: bool = True,
    policy: ScoringPolicy = EXAM,
    header: PaperHeader = NO_HEADER,
    web: WebOptions | None = None,
) -> list[OutputFile]:
    """Render items in one format.

    Paper formats give a paper per variant, each followed by its key when `answer_key`;
    with `split` each of those is its own file, otherwise they share one document (page
    breaks between). LMS formats give one file and always carry the answers; `variants`
    does not apply to them (an LMS shuffles questions and options itself). `policy.multi`
    is how 多选题 are scored, in every format that says or applies a rule. `header` adds
    考试科目 / 考试时间 / 注意事项 lines to papers (and the first two to keys). The web quiz is
    one page whose mode and time limit come from `web` (`quizgen.export.web.WebOptions`).
    """
    fmt = check_format(fmt)
    if not items:
        raise ExportError("there are no items to export", hint="generate some items first (-n, --types)")
    if fmt in LMS_FORMATS or fmt == "web":
        if variants != 1:
            raise ExportError(
                f"--variants applies to papers ({', '.join(PAPER_FORMATS)}), not to {fmt}",
                hint="LMSs shuffle questions and options themselves; leave --variants out",
            )
        mod = importlib.import_module(f"quizgen.export.{fmt}")
        if fmt == "web":
            data = mod.render(items, title=title, options=web, rng=rng)
        else:
            extra = {"multi_rule": policy.multi} if fmt in SCORED_FORMATS else {}
            data = mod.render(items, title=title, **extra)
        return [OutputFile(fmt, data if isinstance(data, bytes) else data.encode("utf-8"))]
    papers = build_papers(
        items,
        title,
        variants=variants,
        rng=rng or random.Random(0),
        multi_rule=policy.multi,
        header=header,
    )
    docs = docs_for(papers, answer_key=answer_key)
    if not split:
        return [OutputFile(fmt, _render_paper(fmt, docs, font))]
    out = []
    for d in docs:
        suffix = (f"-{d.paper.variant}" if d.paper.variant else "") + ("-key" if d.part is Part.KEY else "")
        out.append(OutputFile(fmt, _render_paper(fmt, [d], font), suffix, d.paper.variant, d.part))
    return out


def caveats(items: Sequence[Item], fmt: str, policy: ScoringPolicy = EXAM) -> list[str]:
    """What the `fmt` file cannot score as `policy` says (for the caller to show): Moodle and
    GIFT give an incomplete 多选题 pick a share of the points whatever the rule."""
    if fmt not in ("moodle", "gift") or policy.multi is MultiRule.PARTIAL:
        return []
    if not any(it.type is ItemType.MULTI for it in items):
        return []
    should = "nothing" if policy.multi is MultiRule.STRICT else "half the points"
    return [
        f"{fmt}: Moodle cannot withhold credit from an incomplete 多选题 answer: there a correct but "
        f"incomplete pick earns 1/n per right option, not {should} as --multi-scoring {policy.multi.value} "
        "says (a wrong pick does score 0); --multi-scoring partial scores alike in every format"
    ]


def output_path(base: str | Path, fmt: str, suffix: str) -> Path:
    """``paper.html`` + ``-A-key`` -> ``paper-A-key.html`` (``x.gift.txt`` keeps its double extension)."""
    p = Path(base)
    ext = EXTENSIONS[fmt]
    name = p.name
    if name.lower().endswith(ext):
        stem, ext = name[: -len(ext)], name[-len(ext) :]
    elif p.suffix:
        stem, ext = name[: -len(p.suffix)], p.suffix
    else:
        stem = name
    return p.with_name(f"{stem}{suffix}{ext}")


def write_outputs(files: Sequence[OutputFile], base: str | Path) -> list[Path]:
    """Write every file next to `base` (atomically); returns the paths written."""
    paths = []
    for f in files:
        path = output_path(base, f.format, f.suffix)
        if path.is_dir():
            raise ExportError(
                "is a directory", where=str(path), hint="give a file name with -o, e.g. -o paper.pdf"
            )
        try:
            atomic_write_bytes(path, f.data)
        except OSError as e:
            raise ExportError(
                f"cannot write: {e.strerror}", where=str(path), hint="check the folder exists and is writable"
            ) from None
        paths.append(path)
    return paths
