"""What every exporter shares: section names and order, points, answers as teachers read them.

Nothing here knows a file format. The paper writers (md, html, docx, pdf) and the LMS
writers (moodle, gift, qti, apkg, csv) call these so that a paper and its key, or a
Moodle file and a CSV, always say the same thing about the same item.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from quizgen.items import FALSE, LETTERS, TRUE, Item, ItemType
from quizgen.scoring import MultiRule

# Paper order and names: 一、单选题 二、多选题 三、判断题 四、填空题 五、排序题 六、匹配题 七、简答题.
SECTION_ORDER: tuple[ItemType, ...] = (
    ItemType.CHOICE,
    ItemType.MULTI,
    ItemType.TF,
    ItemType.FILL,
    ItemType.ORDER,
    ItemType.MATCH,
    ItemType.SHORT,
)

SECTION_NAMES: dict[ItemType, str] = {
    ItemType.CHOICE: "单选题",
    ItemType.MULTI: "多选题",
    ItemType.TF: "判断题",
    ItemType.FILL: "填空题",
    ItemType.ORDER: "排序题",
    ItemType.MATCH: "匹配题",
    ItemType.SHORT: "简答题",
}

# How a 多选题 is scored, as the paper, its key and every export say it (quizgen.scoring.MultiRule).
MULTI_RULE_TEXT: dict[MultiRule, str] = {
    MultiRule.STRICT: "多选、少选、错选均不得分。",
    MultiRule.HALF: "全部选对得满分，少选且所选均正确得一半分，多选、错选不得分。",
    MultiRule.PARTIAL: (
        "全部选对得满分；每选对一项得该题分值的 1/n（n 为正确选项数），每选错一项扣 1/n，扣完为止。"
    ),
}

# One line under each section heading telling students how to answer (the 多选题 line ends
# with its scoring rule, `section_instruction`).
SECTION_INSTRUCTIONS: dict[ItemType, str] = {
    ItemType.CHOICE: "在每小题给出的选项中，只有一项是符合题目要求的，将其字母填入括号内。",
    ItemType.MULTI: "在每小题给出的选项中，有两项或两项以上符合题目要求，将其字母填入括号内；",
    ItemType.TF: "判断下列说法是否正确，正确的在括号内打“√”，错误的打“×”。",
    ItemType.FILL: "在横线上填写正确答案。",
    ItemType.ORDER: "将下列选项按正确的顺序排列，在横线上写出字母顺序。",
    ItemType.MATCH: "将左列各项与右列对应的说明配对，在横线上写出字母。",
    ItemType.SHORT: "简要回答下列问题。",
}


def section_instruction(t: ItemType, rule: MultiRule = MultiRule.STRICT) -> str:
    return SECTION_INSTRUCTIONS[t] + (MULTI_RULE_TEXT[rule] if t is ItemType.MULTI else "")


_CN_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十 (section numbers never pass 99)."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _CN_DIGITS[ones]
    head = "" if tens == 1 else _CN_DIGITS[tens]
    return head + "十" + (_CN_DIGITS[ones] if ones else "")


def fmt_points(p: float) -> str:
    """2.0 -> "2", 2.5 -> "2.5", 1/3 -> "0.33"."""
    if float(p).is_integer():
        return str(int(p))
    return f"{p:.2f}".rstrip("0").rstrip(".")


def split_points(total: float, n: int) -> list[float]:
    """Share an item's points among its n key points (equal key points, equal marks).

    - Equal shares when they come out in whole or half points: 5 points, 2 key points ->
      2.5 + 2.5 (not 3 + 2); 6 points, 4 key points -> 1.5 each.
    - Otherwise whole points where the total allows (10 / 3 -> 4, 3, 3), else halves
      (5 / 7 -> 1, 1, 1, 0.5, 0.5, 0.5, 0.5); earlier key points get the larger shares.
    - A total that is not a multiple of half a point is shared equally (1/3 -> 0.33 each).

    The shares always add up to `total`.
    """
    if n <= 0:
        return []
    if abs(total * 2 / n - round(total * 2 / n)) < 1e-9:
        return [total / n] * n
    unit = 1.0 if float(total).is_integer() and total >= n else 0.5
    units = round(total / unit)
    if abs(units * unit - total) > 1e-9:  # not a multiple of half a point: equal shares
        return [total / n] * n
    base, rem = divmod(units, n)
    return [(base + (1 if i < rem else 0)) * unit for i in range(n)]


# XML 1.0 cannot hold most C0 controls; python-docx and ElementTree would fail or write a
# file that Word, Moodle and Anki reject. Tabs and newlines stay.
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str, *, strip: bool = True) -> str:
    """Bank text made safe for any export: no XML-invalid controls, unix newlines, trimmed
    (`strip=False` for a piece of a sentence, such as the text between two blanks)."""
    out = _XML_BAD.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return out.strip() if strip else out


# How a fill stem marks its blank: a run of underscores, or empty full/half-width brackets.
BLANK_RE = re.compile(r"_{2,}|＿{2,}|（\s*）|\(\s*\)")
BLANK = "________"


def split_blanks(stem: str) -> list[str]:
    """The text around the blanks of a fill stem: ``a ___ b`` -> ["a ", " b"].

    A stem without a marked blank gets one at the end, so every fill item has an answer space.
    """
    parts = BLANK_RE.split(stem)
    return parts if len(parts) > 1 else [stem, ""]


def letter(i: int) -> str:
    return LETTERS[i]


def tf_symbol(answer: str) -> str:
    return "√" if answer == TRUE else "×" if answer == FALSE else answer


def tf_is_true(item: Item) -> bool:
    return bool(item.answer) and item.answer[0] == TRUE


def fill_alternatives(item: Item) -> list[str]:
    """Accepted spellings that are not already the answer (aliases such as CNN)."""
    seen = {a for a in item.answer}
    out = []
    for a in item.accept:
        if a not in seen:
            seen.add(a)
            out.append(a)
    return out


def fill_accepted(item: Item) -> list[str]:
    """Every accepted answer of a fill item, the answer first, no repeats."""
    return [*dict.fromkeys([*item.answer, *item.accept])]


def match_pairs(item: Item) -> list[tuple[str, str]]:
    """(term, description) for each left term of a match item, in the item's order."""
    return [(term, item.options[LETTERS.index(a)]) for term, a in zip(item.left, item.answer, strict=False)]


def order_steps(item: Item) -> list[str]:
    """The steps of an order item in the right order."""
    return [item.options[LETTERS.index(a)] for a in item.answer]


def answer_text(item: Item) -> str:
    """The answer as a key shows it: ``B``, ``AC``, ``√``, ``卷积神经网络``, ``CABD``, ``1-B，2-A``."""
    t = item.type
    if t in (ItemType.CHOICE, ItemType.MULTI, ItemType.ORDER):
        return "".join(item.answer)
    if t is ItemType.TF:
        return tf_symbol(item.answer[0]) if item.answer else ""
    if t is ItemType.MATCH:
        return "，".join(f"{i}-{a}" for i, a in enumerate(item.answer, 1))
    if t is ItemType.FILL:
        return "；".join(item.answer)
    return item.answer[0] if item.answer else ""


def key_note(item: Item) -> str:
    """A short note after the answer: accepted alternatives of a fill item."""
    if item.type is ItemType.FILL:
        alts = fill_alternatives(item)
        if alts:
            return "也可答：" + "、".join(alts)
    return ""


@dataclass(frozen=True)
class KeyPoint:
    text: str
    points: float


def key_points(item: Item) -> list[KeyPoint]:
    """A short item's scoring points with their share of the item's points."""
    return [
        KeyPoint(t, p)
        for t, p in zip(item.key_points, split_points(item.points, len(item.key_points)), strict=True)
    ]


def uniform_points(items: Iterable[Item]) -> float | None:
    """The points every item has, or None when they differ."""
    ps = {float(i.points) for i in items}
    return ps.pop() if len(ps) == 1 else None


def one_line(text: str, limit: int = 60) -> str:
    """A question's name for LMS lists: first line, clipped."""
    s = " ".join(clean(text).split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def display_width(text: str) -> int:
    """Columns a text takes in a monospaced CJK layout: wide characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def option_columns(options: Iterable[str]) -> int:
    """How many options fit on one line of an A4 paper: 4 short ones, 2 medium ones, else 1."""
    widest = max((display_width(o) for o in options), default=0)
    if widest <= 16:
        return 4
    if widest <= 36:
        return 2
    return 1
