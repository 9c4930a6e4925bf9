"""Word paper (python-docx): A4, real Heading 1/2 styles, 宋体/黑体 set as the East Asian font.

Word picks the font for Chinese characters from ``w:rFonts/@w:eastAsia``, not from the
plain font name, so every style and every run we write carries both; LibreOffice maps
宋体/黑体 to the installed CJK font (Noto Serif/Sans CJK on Linux).
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
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

BODY_FONT = "宋体"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
BLANK = "\u3000" * 6  # underlined ideographic spaces: a blank line Word and LibreOffice both draw
TEXT_WIDTH_CM = 16.6
OPTION_INDENT_CM = 0.75
RULE_HEIGHT_PT = 26  # one ruled line of answer space: room for a handwritten line


def _fonts(rpr_owner: Any, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Set ascii/hAnsi and eastAsia fonts on a run or style (its w:rPr/w:rFonts)."""
    from docx.oxml.ns import qn

    rpr = rpr_owner.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)


class _Writer:
    def __init__(self, body_font: str, heading_font: str) -> None:
        from docx import Document
        from docx.enum.style import WD_STYLE_TYPE
        from docx.shared import Cm, Pt, RGBColor

        self.body_font = body_font
        self.heading_font = heading_font
        self.paras: list[Any] = []  # every body paragraph written, in order (see `together`)
        self.doc = Document()
        sec = self.doc.sections[0]
        sec.page_width, sec.page_height = Cm(21), Cm(29.7)
        sec.left_margin = sec.right_margin = Cm(2.2)
        sec.top_margin, sec.bottom_margin = Cm(2.0), Cm(2.0)
        styles = self.doc.styles
        normal = styles["Normal"]
        normal.font.size = Pt(10.5)
        _fonts(normal.element, body_font)
        normal.paragraph_format.space_after = Pt(2)
        normal.paragraph_format.line_spacing = 1.25
        for name, size in (("Heading 1", 16), ("Heading 2", 12)):
            st = styles[name]
            st.font.size = Pt(size)
            st.font.bold = True
            st.font.color.rgb = RGBColor(0, 0, 0)
            _fonts(st.element, heading_font, latin=LATIN_FONT)
            st.paragraph_format.space_before = Pt(12 if size == 12 else 0)
            st.paragraph_format.space_after = Pt(4)
        if "Option" not in [s.name for s in styles]:
            opt = styles.add_style("Option", WD_STYLE_TYPE.PARAGRAPH)
            opt.base_style = normal
            opt.paragraph_format.left_indent = Cm(OPTION_INDENT_CM)
            opt.paragraph_format.space_after = Pt(0)
        self._footer()

    def _footer(self) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        p = self.doc.sections[0].footer.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for text, field in (("第 ", "PAGE"), (" 页 共 ", "NUMPAGES"), (" 页", None)):
            self.run(p, text)
            if field:
                fld = OxmlElement("w:fldSimple")
                fld.set(qn("w:instr"), f" {field} ")
                r = OxmlElement("w:r")
                t = OxmlElement("w:t")
                t.text = "1"
                r.append(t)
                fld.append(r)
                p._p.append(fld)

    def run(
        self, p: Any, text: str, *, bold: bool = False, underline: bool = False, heading: bool = False
    ) -> Any:
        r = p.add_run(text)
        r.bold = bold or None
        if underline:
            r.underline = True
        _fonts(r._element, self.heading_font if heading else self.body_font)
        return r

    def text(self, p: Any, text: str, **kw: Any) -> None:
        """Bank text with its line breaks as Word line breaks."""
        for i, line in enumerate(text.split("\n")):
            if i:
                self.run(p, "").add_break()
            self.run(p, line, **kw)

    def page_break(self) -> None:
        from docx.enum.text import WD_BREAK

        self.run(self.para(), "").add_break(WD_BREAK.PAGE)

    def heading(self, text: str, level: int, *, center: bool = False) -> Any:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        p = self.para(f"Heading {level}")
        self.run(p, text, heading=True)
        p.paragraph_format.keep_with_next = True
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        return p

    def para(self, style: str | None = None) -> Any:
        p = self.doc.add_paragraph(style=style)
        self.paras.append(p)
        return p

    @contextmanager
    def together(self) -> Iterator[None]:
        """Keep the paragraphs written inside on one page (a question with its options and
        answer space, a key entry with its list): each keeps with the next, and a page break
        can only come before the first. (The block that follows a heading joins it too.)"""
        start = len(self.paras)
        yield
        for p in self.paras[start:-1]:
            p.paragraph_format.keep_with_next = True

    def rule_line(self) -> None:
        """An empty paragraph with a dashed border: one line of answer space.

        Word and LibreOffice merge adjacent paragraphs with identical borders into one box,
        drawing its bottom border once under the last of them; the `between` border is what
        draws a line between every two paragraphs of such a box. So each line carries both."""
        from docx.enum.text import WD_LINE_SPACING
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Pt

        p = self.para()
        fmt = p.paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(RULE_HEIGHT_PT)
        fmt.left_indent = self.doc.styles["Option"].paragraph_format.left_indent
        bdr = OxmlElement("w:pBdr")
        for side in ("bottom", "between"):  # CT_PBdr's sequence: top left bottom right between bar
            b = OxmlElement(f"w:{side}")
            for k, v in (("w:val", "dashed"), ("w:sz", "4"), ("w:space", "1"), ("w:color", "999999")):
                b.set(qn(k), v)
            bdr.append(b)
        p._p.get_or_add_pPr().insert_element_before(
            bdr, *("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc", "w:rPr")
        )

    # ------------------------------------------------------------------ paper

    def paper(self, paper: Paper) -> None:
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        head, marks = score_table(paper)
        self.heading(paper.full_title, 1, center=True)
        p = self.para()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.run(p, paper.info_line)
        p = self.para()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for i, f in enumerate(STUDENT_FIELDS):
            self.run(p, ("　　" if i else "") + f"{f}：")
            self.run(p, BLANK, underline=True)
        table = self.doc.add_table(rows=3, cols=len(head))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for r, row in enumerate((head, marks, ["得分"] + [""] * (len(head) - 1))):
            for c, val in enumerate(row):
                cell = table.cell(r, c)
                cp = cell.paragraphs[0]
                cp.alignment = WD_ALIGN_PARAGRAPH.CENTER
                if val:
                    self.run(cp, val, heading=r == 0)
        if paper.header.notices:
            with self.together():
                np_ = self.para()
                np_.paragraph_format.space_before = Pt(8)
                self.run(np_, "注意事项：", bold=True)
                for i, n in enumerate(paper.header.notices, 1):
                    self.text(self.para("Option"), f"{i}. {n}")
        for s in paper.sections:
            self.heading(s.heading(), 2)
            ip = self.para()
            ip.paragraph_format.keep_with_next = True
            self.run(ip, s.instruction).italic = True
            for pi in s.items:
                with self.together():
                    self.item(item_view(pi, s))

    def item(self, v: ItemView) -> None:
        from docx.shared import Cm

        p = self.para()
        self.run(p, f"{v.number}. ", bold=True)
        if v.type is ItemType.FILL:
            for i, seg in enumerate(v.stem):
                if i:
                    self.run(p, BLANK, underline=True)
                self.text(p, seg)
        else:
            self.text(p, v.stem[0])
        if v.bracket:
            self.run(p, BRACKET)
        if v.points:
            self.run(p, v.points)
        for n, t in v.terms:
            tp = self.para("Option")
            self.run(tp, f"（{n}）")
            self.text(tp, t)
        if v.options:
            cols = option_columns(t for _, t in v.options)
            step = (TEXT_WIDTH_CM - OPTION_INDENT_CM) / cols
            for start in range(0, len(v.options), cols):
                op = self.para("Option")
                if cols == 1:  # long options wrap under their text, not under the letter
                    op.paragraph_format.left_indent = Cm(OPTION_INDENT_CM + 0.6)
                    op.paragraph_format.first_line_indent = Cm(-0.6)
                for c in range(1, cols):  # tab stops count from the margin, columns from the indent
                    op.paragraph_format.tab_stops.add_tab_stop(Cm(OPTION_INDENT_CM + c * step))
                for j, (a, t) in enumerate(v.options[start : start + cols]):
                    if j:
                        self.run(op, "\t")
                    self.run(op, f"{a}. ")
                    self.text(op, t)
        if v.answer_label:
            ap = self.para("Option")
            self.run(ap, v.answer_label)
            for j, s in enumerate(v.answer_slots):
                self.run(ap, ("　" if j else "") + (f"（{s}）" if s else ""))
                self.run(ap, BLANK if s else BLANK * 2, underline=True)
        if v.lines:
            self.run(self.para("Option"), "答：")
            for _ in range(v.lines):
                self.rule_line()

    # ------------------------------------------------------------------ key

    def key(self, paper: Paper) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        self.heading(paper.key_title, 1, center=True)
        p = self.para()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.run(p, paper.info_line)
        for s in paper.sections:
            self.heading(s.heading(), 2)
            if s.key_rule:
                rp = self.para()
                rp.paragraph_format.keep_with_next = True
                self.run(rp, s.key_rule).italic = True
            for pi in s.items:
                with self.together():
                    self.key_entry(key_view(pi))

    def key_entry(self, k: KeyView) -> None:
        p = self.para()
        self.run(p, f"{k.number}. ", bold=True)
        if k.type is ItemType.SHORT:
            self.run(p, "【参考答案】", bold=True)
            self.text(p, k.answer)
            self.run(p, f"（{k.points}分）")
            if k.key_points:
                self.run(self.para(), "【评分要点】", bold=True)
                for i, (t, pts) in enumerate(k.key_points, 1):
                    kp = self.para("Option")
                    self.run(kp, f"{i}. ")
                    self.text(kp, t)
                    self.run(kp, f"（{pts}分）")
        else:
            self.run(p, "【答案】", bold=True)
            self.text(p, k.answer)
            if k.note:
                self.run(p, f"（{k.note}）")
            for d in k.detail:
                self.text(self.para("Option"), d)
        if k.explanation:
            ep = self.para()
            self.run(ep, "【解析】", bold=True)
            self.text(ep, k.explanation)


def render(docs: list[Doc], *, font: str | None = None) -> bytes:
    """A .docx holding the given papers and keys, each starting on a new page.

    `font` replaces 宋体 as the East Asian body font (headings stay 黑体 unless it is given).
    """
    if font and (any(c in font for c in "/\\") or font.lower().endswith((".ttf", ".otf", ".ttc", ".otc"))):
        raise ExportError(
            f"--font for docx is a font family name, not a file: {font}",
            hint="Word uses the fonts installed where the file is opened, e.g. --font 宋体",
        )
    try:
        w = _Writer(body_font=font or BODY_FONT, heading_font=font or HEADING_FONT)
    except ImportError as e:  # pragma: no cover - python-docx is a core dependency
        raise ExportError("python-docx is not installed", hint="pip install python-docx") from e
    if docs:
        w.doc.core_properties.title = docs[0].title
    w.doc.core_properties.author = "quizgen"
    # Same items, same bytes: python-docx stamps "now" into the core properties and into
    # every zip entry, which would make papers differ from run to run.
    w.doc.core_properties.created = _FIXED_TIME
    w.doc.core_properties.modified = _FIXED_TIME
    for i, d in enumerate(docs):
        if i:
            w.page_break()
        if d.part is Part.KEY:
            w.key(d.paper)
        else:
            w.paper(d.paper)
    buf = io.BytesIO()
    w.doc.save(buf)
    return _normalise_zip(buf.getvalue())


_FIXED_TIME = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed entry timestamps so output is reproducible."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
