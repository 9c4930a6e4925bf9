"""Progressive hints for quiz items: each asked-for hint is more specific than the last, and none
gives the answer away.

`hints_for(item)` lists them in order; the quiz shows the next one each time the student asks
and says when there are no more. The number used lowers the item's scheduling rating
(`quizgen.session.rating_for`).

What a hint never does: name the question or section an item came from (for a true/false item
that tells a swapped statement apart from a true one, and for a choice item it points at the
option taken from the same place), reveal a true/false answer, or leave a single option.

- choice: rules out one wrong option at a time, leaving two;
- multi: how many options are right, then one right option, then one wrong one;
- order: the first step, then the last, then the second;
- match: one pair at a time, never the last;
- fill: the first character, then the length, then the first half;
- short: how many key points, then their first characters, then one key point whole;
- tf: what a false statement changes (the same for every tf item, so it tells nothing).

An item may carry its author's own hint (``meta.hint``); it comes first.
"""

from __future__ import annotations

from quizgen.i18n import _, ngettext
from quizgen.items import LETTERS, Item, ItemType
from quizgen.text import content_hash, is_cjk, normalize_loose


def _spread(item: Item, letters: list[str]) -> list[str]:
    """`letters` in an order fixed per item but unrelated to their position."""
    return sorted(letters, key=lambda c: content_hash(item.id, c))


def _quote(text: str) -> str:
    return _("“{text}”").format(text=text)


def _list(parts: list[str]) -> str:
    return _(", ").join(parts)


def _choice(item: Item) -> list[str]:
    n = len(item.options)
    wrong = _spread(item, [c for c in LETTERS[:n] if c not in item.answer])
    out = []
    for k in range(1, max(0, n - 2) + 1):
        ruled_out = sorted(wrong[:k])
        out.append(
            ngettext("It is not {letters}.", "It is none of {letters}.", len(ruled_out)).format(
                letters=_list(ruled_out)
            )
        )
    return out


def _multi(item: Item) -> list[str]:
    n, k = len(item.options), len(item.answer)
    out = [
        ngettext("{k} of the {n} options is right.", "{k} of the {n} options are right.", k).format(k=k, n=n)
    ]
    right = _spread(item, list(item.answer))
    wrong = _spread(item, [c for c in LETTERS[:n] if c not in item.answer])
    if k > 1:
        out.append(_("{letter} is one of them.").format(letter=right[0]))
    if wrong:
        out.append(_("{letter} is not one of them.").format(letter=wrong[0]))
    return out


def _order(item: Item) -> list[str]:
    steps = list(item.answer)
    out = [_("The first step is {letter}.").format(letter=steps[0])]
    if len(steps) > 3:
        out.append(_("The first step is {first}; the last is {last}.").format(first=steps[0], last=steps[-1]))
    if len(steps) > 4:
        out.append(
            _("The first steps are {first} then {second}; the last is {last}.").format(
                first=steps[0], second=steps[1], last=steps[-1]
            )
        )
    return out


def _match(item: Item) -> list[str]:
    pairs = [f"{i}{a}" for i, a in enumerate(item.answer, 1)]
    return [
        ngettext("Pair given: {pairs}.", "Pairs given: {pairs}.", k).format(pairs=" ".join(pairs[:k]))
        for k in range(1, len(pairs) - 1)
    ]


def _unit(text: str) -> str:
    return _("characters") if any(is_cjk(c) for c in text) else _("letters")


def _fill(item: Item) -> list[str]:
    word = item.answer[0].strip() if item.answer else ""
    if not word:
        return []
    n = len(word)
    out = [_("It starts with {start}.").format(start=_quote(word[0]))]
    if n >= 2:
        out.append(_("{n} {unit}: {pattern}").format(n=n, unit=_unit(word), pattern=word[0] + "＿" * (n - 1)))
    half = n // 2
    # Half the word must not be an accepted answer in itself (池化 for 池化操作).
    accepted = {normalize_loose(a) for a in (*item.answer, *item.accept)}
    if half >= 2 and normalize_loose(word[:half]) not in accepted:
        out.append(
            _("It begins {start}: {pattern}").format(
                start=_quote(word[:half]), pattern=word[:half] + "＿" * (n - half)
            )
        )
    return out


def _short(item: Item) -> list[str]:
    points = [p.strip() for p in item.key_points if p.strip()]
    if not points:
        ref = item.answer[0].strip() if item.answer else ""
        if not ref:
            return []
        return [
            _("The reference answer is about {n} characters long.").format(n=len(ref)),
            _("It begins: {start}").format(start=_quote(ref[: min(8, len(ref) // 3 or 1)] + "…")),
        ]
    out = [
        ngettext(
            "A full answer covers {n} key point.", "A full answer covers {n} key points.", len(points)
        ).format(n=len(points))
    ]
    out.append(
        _("The key points start with: {starts}").format(starts=_list([_quote(p[0] + "…") for p in points]))
    )
    if len(points) > 1:
        out.append(_("One of them is {point}.").format(point=_quote(points[0])))
    return out


def _tf(item: Item) -> list[str]:
    return [
        _(
            "Compare it with the notes word by word: a false statement differs in one place only "
            "(its subject, a term, or one member of a list)."
        )
    ]


_BY_TYPE = {
    ItemType.CHOICE: _choice,
    ItemType.MULTI: _multi,
    ItemType.ORDER: _order,
    ItemType.MATCH: _match,
    ItemType.FILL: _fill,
    ItemType.SHORT: _short,
    ItemType.TF: _tf,
}


def hints_for(item: Item) -> list[str]:
    """The hints for `item`, least specific first (may be empty)."""
    own = item.meta.get("hint") if item.meta else None
    first = [own.strip()] if isinstance(own, str) and own.strip() else []
    return first + _BY_TYPE[item.type](item)
