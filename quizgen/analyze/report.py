"""`quizgen analyze -o report.html`: one self-contained HTML report, plots drawn here as inline
SVG (no script, no font or stylesheet from anywhere; a CSP forbids every request). All text from
the bank and the results goes through `html.escape`."""

from __future__ import annotations

import html
from collections.abc import Sequence

from quizgen.analyze.stats import EASY, HARD, LOW_DISCRIMINATION, Analysis, ItemStats
from quizgen.export.common import SECTION_NAMES
from quizgen.items import ItemType

CSS = """
:root { --ink: #1f2328; --muted: #5b6470; --line: #d6dae0; --bg: #f6f7f9; --card: #fff; --accent: #1a62d6;
  --bad: #b3261e; --ok: #137333; --warn: #8a5a00; color-scheme: light dark; }
@media (prefers-color-scheme: dark) { :root { --ink: #e6e8eb; --muted: #9aa4b0; --line: #343a42;
  --bg: #111418;  --card: #1b1f24; --accent: #7aa7ff; --bad: #ff8a80; --ok: #7bd88f; --warn: #f2c46d; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); line-height: 1.6; font-size: 15px;
  font-family: -apple-system, BlinkMacSystemFont, "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC",
  "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; }
main { max-width: 70rem; margin: 0 auto; padding: 1.2em; }
h1 { font-size: 1.5em; margin: .2em 0 .1em; }
h2 { font-size: 1.15em; margin: 1.6em 0 .5em; }
.sub { color: var(--muted); margin: 0 0 1em; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr)); gap: .6em; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: .7em .9em; }
.card .v { font-size: 1.5em; font-weight: 700; }
.card .k { color: var(--muted); font-size: .85em; }
.plots { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: 1em; }
figure { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: .8em; }
figcaption { font-weight: 600; margin-bottom: .4em; }
svg { width: 100%; height: auto; display: block; }
svg text { fill: var(--muted); font-size: 11px; font-family: inherit; }
svg .bar { fill: var(--accent); }
svg .axis { stroke: var(--line); }
svg .guide { stroke: var(--muted); stroke-dasharray: 3 3; }
svg .pt { fill: var(--accent); }
svg .pt.bad { fill: var(--bad); }
svg .lbl { fill: var(--ink); font-size: 10px; }
table { width: 100%; border-collapse: collapse; background: var(--card); border: 1px solid var(--line);
  border-radius: 10px; overflow: hidden; font-size: .92em; }
th, td { padding: .45em .6em; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { color: var(--muted); font-weight: 600; white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.flagged td:first-child { border-left: 3px solid var(--bad); }
.stem { max-width: 28em; }
.flags { color: var(--bad); }
.meter { display: inline-block; width: 4em; height: .55em; background: var(--line); border-radius: 3px;
  margin-left: .4em;  vertical-align: middle; overflow: hidden; }
.meter i { display: block; height: 100%; background: var(--accent); }
.opts { display: grid; gap: .15em; min-width: 12em; }
.opt { display: grid; grid-template-columns: 1.6em minmax(4em, 1fr) 5.5em; gap: .3em; align-items: center;
  font-size: .9em; }
.opt .num { white-space: nowrap; text-align: right; }
.opt .b { height: .75em; background: var(--line); border-radius: 3px; overflow: hidden; }
.opt .b i { display: block; height: 100%; background: var(--muted); }
.opt.key { font-weight: 700; }
.opt.key .b i { background: var(--ok); }
.opt.dead { color: var(--bad); }
.note { color: var(--muted); }
ol.fix li { margin-bottom: .5em; }
@media print { body { background: #fff; } .card, figure, table { border-color: #999; } }
"""


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _f(x: float | None, digits: int = 2) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def _pts(x: float) -> str:
    return f"{x:g}"


def histogram_svg(a: Analysis) -> str:
    bins = a.test.distribution
    if not bins:
        return "<p class='note'>no complete results</p>"
    w, h, left, bottom, top = 360, 190, 28, 34, 12
    peak = max(b.count for b in bins) or 1
    bw = (w - left - 6) / len(bins)
    out = [f'<svg viewBox="0 0 {w} {h}" role="img" aria-label="score distribution">']
    out.append(f'<line class="axis" x1="{left}" y1="{h - bottom}" x2="{w - 4}" y2="{h - bottom}"/>')
    for i, b in enumerate(bins):
        bh = (h - bottom - top) * b.count / peak
        x = left + i * bw
        y = h - bottom - bh
        out.append(
            f'<rect class="bar" x="{x + 2:.1f}" y="{y:.1f}" width="{bw - 4:.1f}" height="{bh:.1f}" rx="2"/>'
        )
        if b.count:
            out.append(f'<text x="{x + bw / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle">{b.count}</text>')
        label = _pts(round(b.low, 1))
        out.append(f'<text x="{x + bw / 2:.1f}" y="{h - bottom + 13}" text-anchor="middle">{label}</text>')
    out.append(
        f'<text x="{w - 4}" y="{h - 4}" text-anchor="end">total score (of {_pts(a.test.max_score)}) →</text>'
    )
    out.append("</svg>")
    return "".join(out)


def scatter_svg(items: Sequence[ItemStats]) -> str:
    """Difficulty (x) against discrimination (y), with the flag thresholds as guides."""
    w, h, left, bottom, top, right = 360, 240, 34, 30, 10, 10
    pw, ph = w - left - right, h - bottom - top

    def px(d: float) -> float:
        return left + pw * d

    def py(r: float) -> float:
        return top + ph * (1 - (r + 1) / 2)

    out = [f'<svg viewBox="0 0 {w} {h}" role="img" aria-label="difficulty against discrimination">']
    out.append(f'<rect class="axis" fill="none" x="{left}" y="{top}" width="{pw}" height="{ph}"/>')
    for v in (HARD, EASY):
        out.append(f'<line class="guide" x1="{px(v):.1f}" y1="{top}" x2="{px(v):.1f}" y2="{top + ph}"/>')
    for v in (0.0, LOW_DISCRIMINATION):
        out.append(f'<line class="guide" x1="{left}" y1="{py(v):.1f}" x2="{left + pw}" y2="{py(v):.1f}"/>')
    for v in (-1.0, 0.0, 1.0):
        out.append(f'<text x="{left - 4}" y="{py(v) + 4:.1f}" text-anchor="end">{v:g}</text>')
    for v in (0.0, 0.5, 1.0):
        out.append(f'<text x="{px(v):.1f}" y="{h - bottom + 13}" text-anchor="middle">{v:g}</text>')
    out.append(f'<text x="{left + pw}" y="{h - 3}" text-anchor="end">difficulty (share of points) →</text>')
    out.append(f'<text x="{left + 3}" y="{top + 11}">↑ discrimination</text>')
    for it in items:
        if it.difficulty is None or it.discrimination is None:
            continue
        cls = "pt bad" if it.flags else "pt"
        x, y = px(it.difficulty), py(it.discrimination)
        out.append(
            f'<circle class="{cls}" cx="{x:.1f}" cy="{y:.1f}" r="4"><title>#{it.number}</title></circle>'
        )
        out.append(f'<text class="lbl" x="{x + 5:.1f}" y="{y - 4:.1f}">{it.number}</text>')
    out.append("</svg>")
    return "".join(out)


def _options_html(it: ItemStats) -> str:
    if not it.options:
        return ""
    rows = []
    for o in it.options:
        cls = "opt" + (" key" if o.key else "") + (" dead" if not o.key and o.count == 0 else "")
        rows.append(
            f'<div class="{cls}" title="{esc(o.text)}"><span>{esc(o.option)}</span>'
            f'<span class="b"><i style="width:{100 * o.share:.0f}%"></i></span>'
            f'<span class="num">{o.count} · {100 * o.share:.0f}%</span></div>'
        )
    return '<div class="opts">' + "".join(rows) + "</div>"


def _meter(x: float | None) -> str:
    if x is None:
        return ""
    return f'<span class="meter"><i style="width:{100 * max(0.0, min(1.0, x)):.0f}%"></i></span>'


def _question(it: ItemStats) -> str:
    if it.question_number is None and not it.question_id:
        return ""
    num = f"#{it.question_number} " if it.question_number is not None else ""
    title = esc(it.question_title) if it.question_title else f"({esc(it.question_id)})"
    return f"bank question {num}{title}"


def render(a: Analysis, *, title: str, source: str = "") -> str:
    t = a.test
    cards = [
        ("students", str(t.students) + (f" ({t.complete} complete)" if t.complete != t.students else "")),
        ("items", str(t.items)),
        ("mean", f"{_f(t.mean)} / {_pts(t.max_score)}"),
        ("SD", _f(t.sd)),
        ("Cronbach's α" + (" (KR-20)" if t.method == "KR-20" else ""), _f(t.alpha)),
        ("SEM", _f(t.sem)),
        ("median", _f(t.median)),
        ("range", f"{_f(t.minimum, 1)}–{_f(t.maximum, 1)}"),
    ]
    body = [f"<h1>{esc(title)}</h1>"]
    if source:
        body.append(f'<p class="sub">{esc(source)}</p>')
    body.append(
        '<div class="cards">'
        + "".join(
            f'<div class="card"><div class="v">{esc(v)}</div><div class="k">{esc(k)}</div></div>'
            for k, v in cards
        )
        + "</div>"
    )
    for n in a.notes:
        body.append(f'<p class="note">{esc(n)}</p>')
    body.append(
        '<div class="plots">'
        f"<figure><figcaption>Score distribution</figcaption>{histogram_svg(a)}</figure>"
        "<figure><figcaption>Items: difficulty and discrimination (red: flagged)</figcaption>"
        f"{scatter_svg(a.items)}</figure>"
        "</div>"
    )
    flagged = a.flagged
    if flagged:
        body.append("<h2>Items to look at</h2><ol class='fix'>")
        for it in flagged:
            body.append(
                f"<li><b>#{it.number}</b> {esc(SECTION_NAMES[ItemType(it.type)])} {esc(_clip(it.stem, 60))}"
                f"<br><span class='flags'>{esc('; '.join(f.message for f in it.flags))}</span>"
                + (f"<br><span class='note'>from {_question(it)}</span>" if _question(it) else "")
                + "</li>"
            )
        body.append("</ol>")
    body.append("<h2>Items</h2><table><thead><tr>")
    for hd in ("#", "type", "item", "n", "difficulty", "discrimination", "upper − lower", "options", "flags"):
        body.append(f"<th>{hd}</th>")
    body.append("</tr></thead><tbody>")
    for it in a.items:
        body.append(
            f'<tr class="{"flagged" if it.flags else ""}">'
            f'<td class="num">{it.number}</td><td>{esc(SECTION_NAMES[ItemType(it.type)])}</td>'
            f'<td class="stem">{esc(_clip(it.stem, 90))}</td><td class="num">{it.n}</td>'
            f'<td class="num">{_f(it.difficulty)}{_meter(it.difficulty)}</td>'
            f'<td class="num">{_f(it.discrimination)}</td><td class="num">{_f(it.upper_lower)}</td>'
            f"<td>{_options_html(it)}</td>"
            f'<td class="flags">{esc("; ".join(f.message for f in it.flags))}</td></tr>'
        )
    body.append("</tbody></table>")
    body.append(
        '<p class="note">Difficulty: mean score ÷ max score. Discrimination: Pearson correlation of the '
        "item score with the total of the other items. Upper − lower: difficulty in the top 27% minus the "
        f"bottom 27% by total. Flags: difficulty &gt; {EASY} or &lt; {HARD}, discrimination &lt; "
        f"{LOW_DISCRIMINATION}, distractors nobody "
        "chose or that the top group preferred to the key.</p>"
    )
    csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="quizgen">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n"
    )


def _clip(text: str, n: int) -> str:
    s = " ".join(text.split())
    return s if len(s) <= n else s[: n - 1] + "…"
