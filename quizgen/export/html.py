"""One self-contained HTML file: the paper (and key) styled for screen and for A4 print.

No scripts, no external fonts or stylesheets: the file opens offline and prints the same
everywhere. All bank text goes through `html.escape`, so ``<script>`` shows as typed.
"""

from __future__ import annotations

import html

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

CSS = """
:root { --ink: #111; --rule: #555; }
* { box-sizing: border-box; }
html { background: #e8e8e8; }
body { margin: 0; color: var(--ink); font-size: 10.5pt; line-height: 1.75;
  font-family: "Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", "SimSun", "宋体", serif; }
article { background: #fff; width: 210mm; min-height: 297mm; margin: 12px auto; padding: 18mm 18mm 20mm;
  box-shadow: 0 1px 4px rgba(0,0,0,.25); }
h1, h2, .num, .score th, .label { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
  "Microsoft YaHei", "黑体", sans-serif; }
h1 { font-size: 18pt; text-align: center; margin: 0 0 4pt; letter-spacing: .05em; }
.total { text-align: center; margin: 0 0 10pt; }
.student { display: flex; justify-content: center; gap: 1.5em; margin: 0 0 10pt; flex-wrap: wrap; }
.field .fill { display: inline-block; width: 7em; border-bottom: 1px solid var(--rule); }
table.score { border-collapse: collapse; margin: 0 auto 14pt; }
table.score th, table.score td { border: 1px solid var(--rule); min-width: 3.2em; height: 2em;
  padding: 0 .5em;
  text-align: center; font-weight: normal; }
h2 { font-size: 12pt; margin: 14pt 0 2pt; break-after: avoid; page-break-after: avoid; }
.instruction { margin: 0 0 6pt; color: #333; font-size: 10pt; break-after: avoid; page-break-after: avoid; }
.notices { margin: 0 0 10pt; break-inside: avoid; page-break-inside: avoid; }
.notices .label { margin: 0; font-weight: bold; }
.notices ol { margin: 0; padding-left: 2.2em; }
.item { margin: 0 0 8pt; break-inside: avoid; page-break-inside: avoid; }
.stem { margin: 0; }
.num { font-weight: bold; margin-right: .3em; }
.points { white-space: nowrap; }
.blank { display: inline-block; min-width: 7em; border-bottom: 1px solid var(--ink); }
.blank.short { min-width: 4em; }
.blank.long { min-width: 14em; }
.opt { padding-left: 1.3em; text-indent: -1.3em; }
.options { display: grid; gap: 0 1em; margin: 2pt 0 0 1.6em; }
.cols-4 { grid-template-columns: repeat(4, 1fr); }
.cols-2 { grid-template-columns: repeat(2, 1fr); }
.cols-1 { grid-template-columns: 1fr; }
.terms { margin: 2pt 0 0 1.6em; }
.answer-line { margin: 4pt 0 0 1.6em; }
.answer-space { margin: 4pt 0 0 1.6em; }
.answer-space div { height: 2.1em; border-bottom: 1px dashed #999; }
.key .entry p { margin: 0 0 2pt; }
.key .entry { margin: 0 0 6pt; break-inside: avoid; page-break-inside: avoid; }
.key .label { font-weight: bold; }
.key ol.kp { margin: 0; padding-left: 2.2em; break-inside: avoid; page-break-inside: avoid; }
.key .detail { margin: 0 0 0 1.6em; break-inside: avoid; page-break-inside: avoid; }
@page { size: A4; margin: 18mm 18mm 20mm;
  @bottom-center { content: "第 " counter(page) " 页 共 " counter(pages) " 页"; font-size: 9pt; } }
@media print {
  html { background: none; }
  article { width: auto; margin: 0; padding: 0; box-shadow: none; min-height: auto; }
  article + article { break-before: page; page-break-before: always; }
}
"""


def esc(text: str) -> str:
    return html.escape(text, quote=True).replace("\n", "<br>")


def _item(v: ItemView) -> str:
    if v.type is ItemType.FILL:
        stem = '<span class="blank"></span>'.join(esc(s) for s in v.stem)
    else:
        stem = esc(v.stem[0])
    bracket = f'<span class="bracket">{BRACKET}</span>' if v.bracket else ""
    pts = f'<span class="points">{v.points}</span>' if v.points else ""
    out = [
        f'<div class="item" id="q{v.number}">',
        f'<p class="stem"><span class="num">{v.number}.</span>{stem}{bracket}{pts}</p>',
    ]
    if v.terms:
        out.append(
            '<div class="terms">' + "".join(f"<div>（{n}）{esc(t)}</div>" for n, t in v.terms) + "</div>"
        )
    if v.options:
        cols = option_columns(t for _, t in v.options)
        opts = "".join(f'<div class="opt">{a}. {esc(t)}</div>' for a, t in v.options)
        out.append(f'<div class="options cols-{cols}">{opts}</div>')
    if v.answer_label:
        slots = "　".join(
            f'（{s}）<span class="blank short"></span>' if s else '<span class="blank long"></span>'
            for s in v.answer_slots
        )
        out.append(f'<p class="answer-line">{v.answer_label}{slots}</p>')
    if v.lines:
        out.append('<div class="answer-space">' + "<div></div>" * v.lines + "</div>")
    out.append("</div>")
    return "\n".join(out)


def _paper(paper: Paper) -> str:
    head, marks = score_table(paper)
    out = [
        '<article class="paper">',
        f"<h1>{esc(paper.full_title)}</h1>",
        f'<p class="total">{esc(paper.info_line)}</p>',
    ]
    fields = "".join(f'<span class="field">{f}：<span class="fill"></span></span>' for f in STUDENT_FIELDS)
    out.append(f'<div class="student">{fields}</div>')
    out.append('<table class="score"><tr>' + "".join(f"<th>{h}</th>" for h in head) + "</tr>")
    out.append("<tr>" + "".join(f"<td>{m}</td>" for m in marks) + "</tr>")
    out.append("<tr><td>得分</td>" + "<td></td>" * (len(head) - 1) + "</tr></table>")
    if paper.header.notices:
        notices = "".join(f"<li>{esc(n)}</li>" for n in paper.header.notices)
        out.append(f'<div class="notices"><p class="label">注意事项：</p><ol>{notices}</ol></div>')
    for s in paper.sections:
        out.append(
            f'<section class="section"><h2>{s.heading()}</h2><p class="instruction">{s.instruction}</p>'
        )
        out += [_item(item_view(pi, s)) for pi in s.items]
        out.append("</section>")
    out.append("</article>")
    return "\n".join(out)


def _key_entry(k: KeyView) -> str:
    num = f'<span class="num">{k.number}.</span>'
    if k.type is ItemType.SHORT:
        out = [f'<p>{num}<span class="label">【参考答案】</span>{esc(k.answer)}（{k.points}分）</p>']
        if k.key_points:
            kps = "".join(f"<li>{esc(t)}（{p}分）</li>" for t, p in k.key_points)
            out.append(f'<p><span class="label">【评分要点】</span></p><ol class="kp">{kps}</ol>')
    else:
        note = f"（{esc(k.note)}）" if k.note else ""
        out = [f'<p>{num}<span class="label">【答案】</span>{esc(k.answer)}{note}</p>']
        if k.detail:
            out.append('<p class="detail">' + "<br>".join(esc(d) for d in k.detail) + "</p>")
    if k.explanation:
        out.append(f'<p><span class="label">【解析】</span>{esc(k.explanation)}</p>')
    return '<div class="entry">' + "".join(out) + "</div>"


def _key(paper: Paper) -> str:
    out = [
        '<article class="key">',
        f"<h1>{esc(paper.key_title)}</h1>",
        f'<p class="total">{esc(paper.info_line)}</p>',
    ]
    for s in paper.sections:
        rule = f'<p class="instruction">{s.key_rule}</p>' if s.key_rule else ""
        out.append(f'<section class="section"><h2>{s.heading()}</h2>{rule}')
        out += [_key_entry(key_view(pi)) for pi in s.items]
        out.append("</section>")
    out.append("</article>")
    return "\n".join(out)


def render(docs: list[Doc]) -> str:
    """A complete HTML document holding the given papers and keys, each starting a new page."""
    title = esc(docs[0].title if docs else "")
    body = "\n".join(_key(d.paper) if d.part is Part.KEY else _paper(d.paper) for d in docs)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="quizgen">\n'
        f"<title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
