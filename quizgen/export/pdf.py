"""PDF paper through Typst (the PyPI ``typst`` package: the compiler in a wheel, no TeX, no browser).

The paper is written as Typst source and compiled in-process with a system CJK font, or
the one given with ``--font``. Bank text never becomes Typst markup: every piece of it is
a string literal (``#"...";``) whose only escapes are ``\\`` and ``"``, so ``*``, ``#``,
``$``, ``<``, ``@``, ``[`` and the rest print as typed.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quizgen.errors import ExportError
from quizgen.export.common import option_columns
from quizgen.export.paper import (
    BRACKET,
    STUDENT_FIELDS,
    Doc,
    ItemView,
    KeyView,
    Paper,
    Part,
    item_view,
    key_view,
    score_table,
)
from quizgen.items import ItemType

# Song/Ming style first for the body (宋体 is what Chinese papers use), then anything CJK.
BODY_FAMILIES = (
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "Source Han Serif CN",
    "Noto Serif SC",
    "AR PL UMing CN",
    "SimSun",
    "NSimSun",
    "Songti SC",
    "STSong",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Droid Sans Fallback",
)
# Hei style for headings (黑体), falling back to the body font.
HEADING_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
)
INSTALL_HINT = (
    "install a Chinese font, e.g. `apt-get install fonts-noto-cjk` (Debian/Ubuntu), "
    "`dnf install google-noto-serif-cjk-fonts` (Fedora), or pass --font /path/to/font.otf (or a family name)"
)


@dataclass(frozen=True)
class FontChoice:
    body: str
    heading: str
    font_paths: tuple[str, ...] = ()


@functools.lru_cache(maxsize=8)
def _families(font_paths: tuple[str, ...], system: bool, only_file: str | None = None) -> tuple[str, ...]:
    """Font families typst sees (system fonts and/or the folders in `font_paths`).

    typst scans folders, not files: for a font file, scan its folder and keep that file's families.
    """
    import typst

    fonts = typst.Fonts(
        include_system_fonts=system, include_embedded_fonts=system, font_paths=list(font_paths)
    )
    if only_file is None:
        return tuple(fonts.families())
    want = Path(only_file).resolve()
    return tuple(dict.fromkeys(f.family for f in fonts.fonts() if f.path and Path(f.path).resolve() == want))


def _pick(wanted: Iterable[str], available: Sequence[str]) -> str | None:
    lower = {f.casefold(): f for f in available}
    for w in wanted:
        if w.casefold() in lower:
            return lower[w.casefold()]
    return None


def _cjk_guess(available: Sequence[str]) -> str | None:
    """Any family whose name says it is CJK, Simplified Chinese preferred."""
    cands = [
        f
        for f in available
        if any(k in f.casefold() for k in ("cjk", " sc", " cn", "han ", "wenquanyi", "song", "hei"))
    ]
    cands.sort(key=lambda f: (not f.endswith(("SC", "CN")), f))
    return cands[0] if cands else None


def find_font(font: str | None = None, *, system: bool = True) -> FontChoice:
    """The CJK fonts for a PDF: `font` (a file, a folder of fonts, or a family name) or the system's.

    Raises ExportError naming what to install when no CJK font can be found.
    `system=False` looks at `font` alone (tests use it to see the no-font error).
    """
    if font:
        p = Path(font).expanduser()
        if p.exists():
            folder = p if p.is_dir() else p.parent
            fams = _families((str(folder),), False, None if p.is_dir() else str(p))
            if not fams:
                raise ExportError(
                    f"no usable font in {font}", hint="give a .ttf/.otf/.ttc file or a folder of them"
                )
            body = _pick(BODY_FAMILIES, fams) or _cjk_guess(fams) or fams[0]
            heading = _pick(HEADING_FAMILIES, fams) or body
            return FontChoice(body, heading, (str(folder),))
        if any(ch in font for ch in "/\\") or Path(font).suffix.lower() in (".ttf", ".otf", ".ttc", ".otc"):
            raise ExportError(f"font file not found: {font}", hint="check the path, or give a family name")
        fams = _families((), system)
        found = _pick([font], fams)
        if found is None:
            cjk = [f for f in fams if _cjk_guess([f])]
            have = f"; CJK families found: {', '.join(cjk)}" if cjk else ""
            raise ExportError(f"font family {font!r} is not installed{have}", hint=INSTALL_HINT)
        return FontChoice(found, found)
    fams = _families((), system)
    found_body = _pick(BODY_FAMILIES, fams) or _cjk_guess(fams)
    if found_body is None:
        raise ExportError("no Chinese (CJK) font found for the PDF", hint=INSTALL_HINT)
    return FontChoice(found_body, _pick(HEADING_FAMILIES, fams) or found_body)


# ---------------------------------------------------------------------------- Typst source


def lit(text: str) -> str:
    """A Typst string literal shown as text: ``#"...";`` (the ``;`` ends the expression)."""
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'#"{body}";'


def _str(text: str) -> str:
    """A Typst string value (for arguments)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


PREAMBLE = """#set page(paper: "a4", margin: (x: 2cm, top: 2cm, bottom: 2.2cm),
  footer: context align(center, text(size: 9pt)[第 #counter(page).display() 页 共 #doc-pages() 页]))
#set text(font: (BODY,), size: 10.5pt, lang: "zh", region: "cn")
#set par(leading: 0.9em, spacing: 0.9em, justify: false)
#show heading: set text(font: (HEADING,), weight: "bold")
#show heading.where(level: 1): it => align(center, block(above: 0pt, below: 8pt, text(size: 17pt, it.body)))
#show heading.where(level: 2): it => block(sticky: true, above: 14pt, below: 4pt, text(size: 12pt, it.body))
#show strong: set text(font: (HEADING,))
#let blank(w: 7em) = box(width: w, stroke: (bottom: 0.6pt), outset: (bottom: 2pt))
#let rule() = block(width: 100%, height: 2.1em, below: 0pt,
  stroke: (bottom: (paint: luma(60%), thickness: 0.5pt, dash: "dashed")))
#let indent(body) = pad(left: 1.6em, body)
#let opt(body) = par(hanging-indent: 1.3em, body)
"""

# Pages of the paper or key the current page belongs to: several of them share one PDF (variants,
# keys), each numbered from 1 and ended by a <quizgen-doc-end> marker.
DOC_PAGES = """#let doc-pages() = {
  let ends = query(<quizgen-doc-end>).filter(m => m.location().page() >= here().page())
  if ends.len() == 0 { counter(page).final().first() }
  else { counter(page).at(ends.first().location()).first() }
}
"""


def _item(v: ItemView) -> str:
    stem = " #blank() ".join(lit(s) for s in v.stem)  # fill items: a blank between the pieces
    extra = (lit(BRACKET) if v.bracket else "") + (lit(v.points) if v.points else "")
    out = [f"#block(breakable: false, below: 9pt)[#strong[{v.number}.] {stem}{extra}"]
    if v.terms:
        out.append("#indent[" + " \\\n".join(f"{lit(f'（{n}）')}{lit(t)}" for n, t in v.terms) + "]")
    if v.options:
        cols = option_columns(t for _, t in v.options)
        cells = ", ".join(f"opt[{lit(f'{a}. ')}{lit(t)}]" for a, t in v.options)
        out.append(f"#indent(grid(columns: (1fr,) * {cols}, column-gutter: 1em, row-gutter: 0.7em, {cells}))")
    if v.answer_label:
        slots = " #h(0.8em) ".join(
            f"{lit(f'（{s}）')}#blank(w: 4em)" if s else "#blank(w: 14em)" for s in v.answer_slots
        )
        out.append(f"#indent[{lit(v.answer_label)}{slots}]")
    if v.lines:
        out.append(f"#indent[{lit('答：')} #for _ in range({v.lines}) {{ rule() }}]")
    return "\n".join(out) + "]\n"


def _paper(paper: Paper) -> str:
    head, marks = score_table(paper)
    out = [f"#heading(level: 1)[{lit(paper.full_title)}]", f"#align(center)[{lit(paper.info_line)}]"]
    fields = " #h(1.5em) ".join(f"{lit(f + '：')}#blank(w: 6em)" for f in STUDENT_FIELDS)
    out.append(f"#align(center)[{fields}]")
    cells = [f"[{lit(c)}]" for c in [*head, *marks, "得分"]] + ["[]"] * (len(head) - 1)
    out.append(
        f"#align(center, table(columns: {len(head)}, align: center + horizon, inset: (x: 9pt, y: 6pt), "
        + ", ".join(cells)
        + "))"
    )
    if paper.header.notices:
        lines = "".join(f" \\\n#h(1.6em){lit(f'{i}. {n}')}" for i, n in enumerate(paper.header.notices, 1))
        out.append(f"#block(breakable: false, above: 10pt)[#strong[{lit('注意事项：')}]{lines}]")
    for s in paper.sections:
        out.append(f"#heading(level: 2)[{lit(s.heading())}]")
        out.append(f"#block(sticky: true, below: 6pt, text(size: 9.5pt)[{lit(s.instruction)}])\n")
        out += [_item(item_view(pi, s)) for pi in s.items]
    return "\n".join(out)


def _key_entry(k: KeyView) -> str:
    """One key entry; a list in it (评分要点, the steps of an order item, the pairs of a match
    item) is one unbreakable block that stays with the answer above it."""
    if k.type is ItemType.SHORT:
        answer = f"#strong[{lit('【参考答案】')}]{lit(k.answer)}{lit(f'（{k.points}分）')}"
        lines = [f"#strong[{lit('【评分要点】')}]"] if k.key_points else []
        lines += [
            f"#h(1.6em){lit(f'{i}. ')}{lit(t)}{lit(f'（{p}分）')}" for i, (t, p) in enumerate(k.key_points, 1)
        ]
    else:
        answer = f"#strong[{lit('【答案】')}]{lit(k.answer)}" + (lit(f"（{k.note}）") if k.note else "")
        lines = [f"#h(1.6em){lit(d)}" for d in k.detail]
    sticky = str(bool(lines)).lower()
    head = f"#block(sticky: {sticky}, below: 0.9em)[#strong[{k.number}.] {answer}]"
    out = [f"#block(breakable: true, below: 8pt)[{head}"]
    if lines:
        out.append("#block(breakable: false, below: 0.9em)[" + " \\\n".join(lines) + "]")
    if k.explanation:
        out.append(f"#strong[{lit('【解析】')}]{lit(k.explanation)}")
    return "\n".join(out) + "]\n"


def _key(paper: Paper) -> str:
    out = [
        f"#heading(level: 1)[{lit(paper.key_title)}]",
        f"#align(center)[{lit(paper.info_line)}]",
    ]
    for s in paper.sections:
        out.append(f"#heading(level: 2)[{lit(s.heading())}]")
        if s.key_rule:
            out.append(f"#block(sticky: true, below: 6pt, text(size: 9.5pt)[{lit(s.key_rule)}])\n")
        out += [_key_entry(key_view(pi)) for pi in s.items]
    return "\n".join(out)


def source(docs: list[Doc], fonts: FontChoice) -> str:
    """The Typst source of the given papers and keys (each starts a page, numbered from 1)."""
    title = docs[0].title if docs else ""
    head = f'#set document(title: {_str(title)}, author: "quizgen", date: none)\n'
    pre = DOC_PAGES + PREAMBLE.replace("BODY", _str(fonts.body)).replace("HEADING", _str(fonts.heading))
    parts = []
    for i, d in enumerate(docs):
        brk = "#pagebreak()\n#counter(page).update(1)\n" if i else ""
        body = _key(d.paper) if d.part is Part.KEY else _paper(d.paper)
        parts.append(f"{brk}{body}\n#metadata(none) <quizgen-doc-end>")
    return head + pre + "\n".join(parts) + "\n"


def render(docs: list[Doc], *, font: str | None = None) -> bytes:
    """Compile the papers and keys to PDF with a CJK font (see `find_font`)."""
    import typst

    fonts = find_font(font)
    src = source(docs, fonts)
    # typst's stubs tie `input` and `font_paths` to one type; bytes source + str folders is fine at run time.
    compile_: Any = typst.compile
    try:
        pdf = compile_(src.encode("utf-8"), format="pdf", font_paths=list(fonts.font_paths))
    except typst.TypstError as e:  # a bug of ours, not of the bank: the text is never markup
        raise ExportError(
            f"Typst could not compile the paper: {e.message}", hint="please report this"
        ) from None
    assert isinstance(pdf, bytes)
    return pdf
