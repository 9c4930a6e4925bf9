"""IMS QTI 2.1 content package: a zip with imsmanifest.xml, one assessmentItem per item and an
assessmentTest that groups them into the paper's sections and weights them by points.

Interactions: choice/multi/tf -> choiceInteraction, fill -> textEntryInteraction (accepted
spellings mapped to full marks, case-insensitive), order -> orderInteraction, match ->
matchInteraction (directedPair), short -> extendedTextInteraction scored by hand, with the
reference answer and key points in a ``rubricBlock view="scorer"``.

Scoring is in points throughout: an item's SCORE runs from 0 to its MAXSCORE, which is its
points, and the test's SCORE and MAXSCORE are the plain sums (no weights), so a correct 2-point
item shows 2/2 and a 5-point essay counts 5. Choice, tf and order items earn their points for
the exact answer; a 多选题 follows the export's `MultiRule` (strict: the exact set; half: the
exact set, or half for a correct incomplete pick; partial: points/n per right option and
-points/n per wrong one, floored at 0, the map_response template); match items earn points/n
per right pair and fill items points/n per blank (map_response). Essays are scored by hand
(SCORE 0..MAXSCORE).
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence

from quizgen import __version__
from quizgen.export.common import (
    clean,
    fill_accepted,
    fmt_points,
    key_points,
    one_line,
    split_blanks,
    tf_is_true,
)
from quizgen.export.paper import build_paper
from quizgen.items import LETTERS, Item, ItemType
from quizgen.scoring import MultiRule
from quizgen.text import content_hash

QTI_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
QTI_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1p2.xsd"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
CP_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/qtiv2p1_imscpv1p2_v1p0.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_NS = "http://www.w3.org/XML/1998/namespace"
TEMPLATES = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

_NCNAME_BAD = re.compile(r"[^A-Za-z0-9_.-]")


def _q(tag: str) -> str:
    # Tags stay unqualified; each root element declares its namespace as the default
    # (ElementTree would otherwise invent ns0: prefixes).
    return tag


def item_identifier(n: int, it: Item) -> str:
    """An NCName, unique in the package and stable for the same item: ``item007-3fa2c1``."""
    return f"item{n:03d}-{_NCNAME_BAD.sub('_', it.id)[:40]}"


def _flow(parent: ET.Element, text: str, *, strip: bool = True) -> None:
    """Append text to an element, line breaks as <br/>."""
    lines = clean(text, strip=strip).split("\n")
    last: ET.Element | None = None
    for i, line in enumerate(lines):
        if i:
            last = ET.SubElement(parent, _q("br"))
            last.tail = line
        elif len(parent):
            tail_el = parent[-1]
            tail_el.tail = (tail_el.tail or "") + line
        else:
            parent.text = (parent.text or "") + line


def _p(parent: ET.Element, text: str) -> ET.Element:
    p = ET.SubElement(parent, _q("p"))
    _flow(p, text)
    return p


def _values(parent: ET.Element, tag: str, values: Sequence[str]) -> None:
    el = ET.SubElement(parent, _q(tag))
    for v in values:
        ET.SubElement(el, _q("value")).text = v


def _outcomes(root: ET.Element, points: float) -> None:
    for ident, default in (("SCORE", "0"), ("MAXSCORE", _num(points))):
        od = ET.SubElement(
            root,
            _q("outcomeDeclaration"),
            {"identifier": ident, "cardinality": "single", "baseType": "float"},
        )
        _values(od, "defaultValue", [default])


def _num(x: float) -> str:
    """A float for baseValue/mapping attributes: 2 -> "2", 2/3 -> "0.6666666667"."""
    return f"{x:.10g}"


def _mapping(
    rd: ET.Element, points: float, entries: Sequence[tuple[str, float]], *, case_sensitive: bool = True
) -> None:
    """A mapping worth 0..`points` (a sum of entries past either bound is clipped to it).
    caseSensitive is written on every entry: QTI 2.1 requires it, 2.1.2 defaults it."""
    m = ET.SubElement(rd, _q("mapping"), {"defaultValue": "0", "lowerBound": "0", "upperBound": _num(points)})
    for key, value in entries:
        ET.SubElement(
            m,
            _q("mapEntry"),
            {"mapKey": key, "mappedValue": _num(value), "caseSensitive": str(case_sensitive).lower()},
        )


def _score(parent: ET.Element, value: float) -> None:
    so = ET.SubElement(parent, _q("setOutcomeValue"), {"identifier": "SCORE"})
    ET.SubElement(so, _q("baseValue"), {"baseType": "float"}).text = _num(value)


def _response(parent: ET.Element) -> None:
    ET.SubElement(parent, _q("variable"), {"identifier": "RESPONSE"})


def _exact_answer_processing(
    root: ET.Element, points: float, *, half: bool = False, wrong: Sequence[str] = ()
) -> None:
    """SCORE = points for the correct response, else 0: match_correct, in points. With `half`
    (a 多选题 scored `MultiRule.HALF`), points/2 for a response that picks none of the `wrong`
    options (少选). Written with `member` rather than `contains`, whose argument order engines
    read differently."""
    rc = ET.SubElement(ET.SubElement(root, _q("responseProcessing")), _q("responseCondition"))
    first = ET.SubElement(rc, _q("responseIf"))
    match = ET.SubElement(first, _q("match"))
    _response(match)
    ET.SubElement(match, _q("correct"), {"identifier": "RESPONSE"})
    _score(first, points)
    if half:
        second = ET.SubElement(rc, _q("responseElseIf"))
        all_of = ET.SubElement(second, _q("and"))
        _response(ET.SubElement(ET.SubElement(all_of, _q("not")), _q("isNull")))
        for letter in wrong:
            member = ET.SubElement(ET.SubElement(all_of, _q("not")), _q("member"))
            ET.SubElement(member, _q("baseValue"), {"baseType": "identifier"}).text = letter
            _response(member)
        _score(second, points / 2)
    _score(ET.SubElement(rc, _q("responseElse")), 0)


def _choices(parent: ET.Element, tag: str, options: Sequence[str], **extra: str) -> None:
    for i, opt in enumerate(options):
        c = ET.SubElement(parent, _q(tag), {"identifier": LETTERS[i], **extra})
        _flow(c, opt)


def assessment_item(n: int, it: Item, multi_rule: MultiRule = MultiRule.STRICT) -> ET.Element:
    ident = item_identifier(n, it)
    root = ET.Element(
        _q("assessmentItem"),
        {
            "xmlns": QTI_NS,
            f"{{{XSI_NS}}}schemaLocation": f"{QTI_NS} {QTI_XSD}",
            "identifier": ident,
            "title": one_line(it.stem, 60) or ident,
            "adaptive": "false",
            "timeDependent": "false",
            f"{{{XML_NS}}}lang": "zh-CN",
        },
    )
    t = it.type
    points = float(it.points)
    template = ""  # a standard template, else the processing is written out below
    fill_ids: list[str] = []
    fill_keys: list[list[str]] = []
    blanks: list[str] = []
    if t is ItemType.FILL:
        answers = [clean(a) for a in it.answer] or [""]
        if len(answers) == 1:
            fill_ids, fill_keys = (
                ["RESPONSE"],
                [[*dict.fromkeys(clean(a) for a in fill_accepted(it))] or [""]],
            )
        else:
            fill_ids = [f"RESPONSE_{i}" for i in range(1, len(answers) + 1)]
            fill_keys = [[a] for a in answers]
        blanks = split_blanks(clean(it.stem))
        while len(blanks) - 1 < len(fill_ids):
            blanks.append("")
        if len(blanks) - 1 > len(fill_ids):  # more marked blanks than answers: keep the extra as text
            blanks = [*blanks[: len(fill_ids)], "________".join(blanks[len(fill_ids) :])]
    if t in (ItemType.CHOICE, ItemType.MULTI, ItemType.TF):
        card = "single" if t is not ItemType.MULTI else "multiple"
        rd = ET.SubElement(
            root,
            _q("responseDeclaration"),
            {"identifier": "RESPONSE", "cardinality": card, "baseType": "identifier"},
        )
        _values(
            rd, "correctResponse", ["T" if tf_is_true(it) else "F"] if t is ItemType.TF else list(it.answer)
        )
        if t is ItemType.MULTI and multi_rule is MultiRule.PARTIAL:
            template = "map_response"
            each = points / len(it.answer)
            _mapping(
                rd,
                points,
                [(LETTERS[i], each if LETTERS[i] in it.answer else -each) for i in range(len(it.options))],
            )
    elif t is ItemType.FILL:
        template = "map_response" if len(fill_ids) == 1 else ""
        each = points / len(fill_ids)
        for rid, accepted in zip(fill_ids, fill_keys, strict=True):
            rd = ET.SubElement(
                root,
                _q("responseDeclaration"),
                {"identifier": rid, "cardinality": "single", "baseType": "string"},
            )
            _values(rd, "correctResponse", accepted[:1])
            _mapping(rd, each, [(a, each) for a in accepted], case_sensitive=False)
    elif t is ItemType.ORDER:
        rd = ET.SubElement(
            root,
            _q("responseDeclaration"),
            {"identifier": "RESPONSE", "cardinality": "ordered", "baseType": "identifier"},
        )
        _values(rd, "correctResponse", list(it.answer))
    elif t is ItemType.MATCH:
        rd = ET.SubElement(
            root,
            _q("responseDeclaration"),
            {"identifier": "RESPONSE", "cardinality": "multiple", "baseType": "directedPair"},
        )
        pairs = [f"L{i} {a}" for i, a in enumerate(it.answer, 1)]
        _values(rd, "correctResponse", pairs)
        template = "map_response"
        _mapping(rd, points, [(p, points / len(pairs)) for p in pairs])
    else:
        ET.SubElement(
            root,
            _q("responseDeclaration"),
            {"identifier": "RESPONSE", "cardinality": "single", "baseType": "string"},
        )
    _outcomes(root, it.points)

    body = ET.SubElement(root, _q("itemBody"))
    if t is ItemType.FILL:
        p = ET.SubElement(body, _q("p"))
        _flow(p, blanks[0], strip=False)
        for rid, after in zip(fill_ids, blanks[1:], strict=True):
            ET.SubElement(p, _q("textEntryInteraction"), {"responseIdentifier": rid, "expectedLength": "16"})
            _flow(p, after, strip=False)
    else:
        _p(body, it.stem)
    if t in (ItemType.CHOICE, ItemType.MULTI):
        ci = ET.SubElement(
            body,
            _q("choiceInteraction"),
            {
                "responseIdentifier": "RESPONSE",
                "shuffle": "false",
                "maxChoices": "1" if t is ItemType.CHOICE else "0",
            },
        )
        _choices(ci, "simpleChoice", it.options)
    elif t is ItemType.TF:
        ci = ET.SubElement(
            body,
            _q("choiceInteraction"),
            {"responseIdentifier": "RESPONSE", "shuffle": "false", "maxChoices": "1"},
        )
        for ident_, label in (("T", "正确"), ("F", "错误")):
            ET.SubElement(ci, _q("simpleChoice"), {"identifier": ident_}).text = label
    elif t is ItemType.ORDER:
        oi = ET.SubElement(
            body, _q("orderInteraction"), {"responseIdentifier": "RESPONSE", "shuffle": "false"}
        )
        _choices(oi, "simpleChoice", it.options)
    elif t is ItemType.MATCH:
        mi = ET.SubElement(
            body,
            _q("matchInteraction"),
            {"responseIdentifier": "RESPONSE", "shuffle": "false", "maxAssociations": str(len(it.left))},
        )
        left = ET.SubElement(mi, _q("simpleMatchSet"))
        for i, term in enumerate(it.left, 1):
            c = ET.SubElement(left, _q("simpleAssociableChoice"), {"identifier": f"L{i}", "matchMax": "1"})
            _flow(c, term)
        right = ET.SubElement(mi, _q("simpleMatchSet"))
        _choices(right, "simpleAssociableChoice", it.options, matchMax="0")
    elif t is ItemType.SHORT:
        ET.SubElement(
            body, _q("extendedTextInteraction"), {"responseIdentifier": "RESPONSE", "expectedLines": "10"}
        )
        rubric = ET.SubElement(body, _q("rubricBlock"), {"view": "scorer"})
        _p(rubric, "参考答案：" + (it.answer[0] if it.answer else ""))
        kps = key_points(it)
        if kps:
            _p(rubric, "评分要点：")
            ol = ET.SubElement(rubric, _q("ol"))
            for k in kps:
                li = ET.SubElement(ol, _q("li"))
                _flow(li, f"{k.text}（{fmt_points(k.points)}分）")
        if it.explanation.strip():
            _p(rubric, "解析：" + it.explanation)
    if template:
        ET.SubElement(root, _q("responseProcessing"), {"template": TEMPLATES + template})
    elif len(fill_ids) > 1:  # several blanks: points/n for each blank filled right
        rp = ET.SubElement(root, _q("responseProcessing"))
        so = ET.SubElement(rp, _q("setOutcomeValue"), {"identifier": "SCORE"})
        total = ET.SubElement(so, _q("sum"))
        for rid in fill_ids:
            ET.SubElement(total, _q("mapResponse"), {"identifier": rid})
    elif t in (ItemType.CHOICE, ItemType.TF, ItemType.ORDER, ItemType.MULTI):
        wrong = [LETTERS[i] for i in range(len(it.options)) if LETTERS[i] not in it.answer]
        half = t is ItemType.MULTI and multi_rule is MultiRule.HALF
        _exact_answer_processing(root, points, half=half, wrong=wrong)
    return root


def assessment_test(items: Sequence[Item], idents: dict[str, str], *, title: str) -> ET.Element:
    paper = build_paper(items, title)
    root = ET.Element(
        _q("assessmentTest"),
        {
            "xmlns": QTI_NS,
            f"{{{XSI_NS}}}schemaLocation": f"{QTI_NS} {QTI_XSD}",
            "identifier": "test-" + content_hash(title, *idents.values(), length=10),
            "title": one_line(title, 100) or "quizgen",
            "toolName": "quizgen",
            "toolVersion": __version__,
        },
    )
    _outcomes(root, sum(float(it.points) for it in items))
    part = ET.SubElement(
        root,
        _q("testPart"),
        {"identifier": "part1", "navigationMode": "nonlinear", "submissionMode": "simultaneous"},
    )
    for s in paper.sections:
        sec = ET.SubElement(
            part,
            _q("assessmentSection"),
            {"identifier": f"section{s.ordinal}", "title": f"{s.numeral}、{s.name}", "visible": "true"},
        )
        for pi in s.items:
            ident = idents[pi.item.id]
            ET.SubElement(sec, _q("assessmentItemRef"), {"identifier": ident, "href": f"{ident}.xml"})
    op = ET.SubElement(root, _q("outcomeProcessing"))
    for outcome in ("SCORE", "MAXSCORE"):  # items score in points: the test adds them up
        so = ET.SubElement(op, _q("setOutcomeValue"), {"identifier": outcome})
        total = ET.SubElement(so, _q("sum"))
        ET.SubElement(total, _q("testVariables"), {"variableIdentifier": outcome})
    return root


def _c(tag: str) -> str:
    return tag


def manifest(test_ident: str, idents: Sequence[str], *, title: str) -> ET.Element:
    root = ET.Element(
        _c("manifest"),
        {
            "xmlns": CP_NS,
            "identifier": "manifest-" + test_ident,
            f"{{{XSI_NS}}}schemaLocation": f"{CP_NS} {CP_XSD}",
        },
    )
    md = ET.SubElement(root, _c("metadata"))
    ET.SubElement(md, _c("schema")).text = "QTIv2.1 Package"
    ET.SubElement(md, _c("schemaversion")).text = "1.0.0"
    ET.SubElement(root, _c("organizations"))
    res = ET.SubElement(root, _c("resources"))
    tr = ET.SubElement(
        res,
        _c("resource"),
        {"identifier": test_ident, "type": "imsqti_test_xmlv2p1", "href": f"{test_ident}.xml"},
    )
    ET.SubElement(tr, _c("file"), {"href": f"{test_ident}.xml"})
    for ident in idents:
        ET.SubElement(tr, _c("dependency"), {"identifierref": ident})
    for ident in idents:
        r = ET.SubElement(
            res, _c("resource"), {"identifier": ident, "type": "imsqti_item_xmlv2p1", "href": f"{ident}.xml"}
        )
        ET.SubElement(r, _c("file"), {"href": f"{ident}.xml"})
    return root


def _xml(el: ET.Element) -> bytes:
    ET.indent(el, space="  ")
    body = ET.tostring(el, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def files(items: Sequence[Item], *, title: str, multi_rule: MultiRule = MultiRule.STRICT) -> dict[str, bytes]:
    """Every file of the package by its name in the zip (imsmanifest.xml first)."""
    idents = {it.id: item_identifier(n, it) for n, it in enumerate(items, 1)}
    test = assessment_test(items, idents, title=title)
    test_ident = test.get("identifier", "test")
    out: dict[str, bytes] = {}
    out["imsmanifest.xml"] = _xml(manifest(test_ident, list(idents.values()), title=title))
    out[f"{test_ident}.xml"] = _xml(test)
    for n, it in enumerate(items, 1):
        out[f"{idents[it.id]}.xml"] = _xml(assessment_item(n, it, multi_rule))
    return out


def render(items: Sequence[Item], *, title: str, multi_rule: MultiRule = MultiRule.STRICT) -> bytes:
    """The zipped content package (deterministic: fixed timestamps, fixed order)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files(items, title=title, multi_rule=multi_rule).items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return buf.getvalue()
