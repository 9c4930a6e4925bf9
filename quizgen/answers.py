"""Typed input -> canonical responses (what `quizgen.scoring.score_response` expects).

Pure library: no terminal I/O. `parse_input(item, text)` returns a `Parsed` that is either
a command (``?`` help, ``h`` hint, ``s`` skip, ``q`` quit) or a response in canonical form:

- choice: ``("B",)``
- multi:  letters, sorted and de-duplicated: ``("A", "C")``
- order:  every option letter once, in the student's order: ``("B", "A", "D", "C")``
- match:  one letter per ``item.left`` entry: ``("C", "A", "B")``
- tf:     ``"对"`` or ``"错"``
- fill / short: the typed text, stripped

Input that cannot be read raises `AnswerFormatError`, which carries an example of a valid
answer; the quiz asks again and never counts it wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from quizgen.errors import QuizgenError
from quizgen.i18n import _, ngettext
from quizgen.items import FALSE, LETTERS, TRUE, Item, ItemType
from quizgen.text import nfkc

Response = tuple[str, ...] | str


class Command(StrEnum):
    HELP = "help"
    HINT = "hint"
    SKIP = "skip"
    QUIT = "quit"


# Short forms are single characters; the long forms always work, even when a short one is
# also the letter of an option (an item with eight options has an option H).
_COMMANDS: dict[str, Command] = {
    "?": Command.HELP,
    "help": Command.HELP,
    "h": Command.HINT,
    "hint": Command.HINT,
    "s": Command.SKIP,
    "skip": Command.SKIP,
    "q": Command.QUIT,
    "quit": Command.QUIT,
    "exit": Command.QUIT,
    "帮助": Command.HELP,
    "提示": Command.HINT,
    "跳过": Command.SKIP,
    "退出": Command.QUIT,
}

_TRUE_WORDS = {"对", "t", "y", "true", "yes", "√", "✓", "✔", "是", "正确", "对的", "o", "○"}
_FALSE_WORDS = {"错", "f", "n", "false", "no", "×", "✗", "✘", "x", "否", "错误", "错的", "不对"}

_SEP_RE = re.compile(r"[\s,;、/|+.()\[\]。【】]+")
_PAIR_RE = re.compile(r"(\d+)\s*[-=:>→]*\s*([A-Za-z])")


class AnswerFormatError(QuizgenError):
    """Input that is not an answer to this item (never counted wrong). `example` is a valid answer."""

    def __init__(self, message: str, example: str) -> None:
        self.example = example
        super().__init__(message, hint=_("e.g. {example}").format(example=example))


@dataclass(frozen=True)
class Parsed:
    command: Command | None = None
    response: Response | None = None
    raw: str = ""


def example_for(item: Item) -> str:
    """A well-formed answer for `item` (not necessarily the right one), shown in prompts and errors."""
    n = max(len(item.options), 1)
    letters = LETTERS[:n]
    if item.type is ItemType.CHOICE:
        return letters[min(1, n - 1)]
    if item.type is ItemType.MULTI:
        return f"{letters[0]}{letters[min(2, n - 1)]}" if n > 1 else letters[0]
    if item.type is ItemType.ORDER:
        seq = list(range(1, n + 1))
        if n > 1:
            seq[0], seq[1] = seq[1], seq[0]
        return " ".join(str(i) for i in seq)
    if item.type is ItemType.MATCH:
        k = len(item.left) or 1
        return " ".join(f"{i + 1}{letters[(i + 1) % n]}" for i in range(k))
    if item.type is ItemType.TF:
        return _("对 / 错 (or t / f)")
    if item.type is ItemType.FILL:
        return _("the missing words")
    return _("your answer in a sentence or two")


def format_help(item: Item) -> str:
    """How to answer this item, plus the commands."""
    n = len(item.options)
    rng = f"A-{LETTERS[n - 1]}" if n > 1 else "A"
    example = example_for(item)
    if item.type is ItemType.CHOICE:
        how = _("Answer with one letter {range} (a and Ａ work too).").format(range=rng)
    elif item.type is ItemType.MULTI:
        how = _("Answer with every right letter, in any order: AC, A C or a,c ({range}).").format(range=rng)
    elif item.type is ItemType.ORDER:
        how = _("Answer with all {n} options in the right order: {numbers}, {compact} or {letters}.").format(
            n=n, numbers=example, compact=example.replace(" ", ""), letters=_order_letters(example)
        )
    elif item.type is ItemType.MATCH:
        how = _("Answer with a letter for each of 1-{k}: {pairs}, or just {letters}.").format(
            k=len(item.left), pairs=example, letters=re.sub(r"[\d\s]", "", example)
        )
    elif item.type is ItemType.TF:
        how = _("Answer 对 or 错 (t/f, y/n, true/false, √/× work too).")
    elif item.type is ItemType.FILL:
        how = _("Answer with the missing words; other names of the same thing count.")
    else:
        how = _("Answer in a few sentences; key points count, wording need not match.")
    return how + "\n" + _("Commands: ? help, h hint, s skip, q quit (or help, hint, skip, quit).")


def _order_letters(numbers: str) -> str:
    return "".join(LETTERS[int(t) - 1] for t in numbers.split())


def _letter_or_number(tok: str, n: int) -> str | None:
    if len(tok) == 1 and tok.isalpha() and tok.upper() in LETTERS[:n]:
        return tok.upper()
    if tok.isdigit() and 1 <= int(tok) <= n:
        return LETTERS[int(tok) - 1]
    return None


def _not_an_option(token: str, n: int) -> str:
    return _("{token} is not one of the options {first}-{last}").format(
        token=repr(token), first=LETTERS[0], last=LETTERS[max(n, 1) - 1]
    )


def _bad(item: Item, message: str) -> AnswerFormatError:
    return AnswerFormatError(message, example_for(item))


def _tokens(text: str) -> list[str]:
    return [t for t in _SEP_RE.split(text) if t]


def _letters(item: Item, text: str, *, digits_split: bool) -> list[str]:
    """Letters in `text`: separated tokens, or a run such as ``AC`` / ``2134``."""
    n = len(item.options)
    toks = _tokens(text)
    if len(toks) == 1 and len(toks[0]) > 1 and (toks[0].isalpha() or (digits_split and toks[0].isdigit())):
        toks = list(toks[0])
    out = []
    for tok in toks:
        letter = _letter_or_number(tok, n)
        if letter is None:
            raise _bad(item, _not_an_option(tok, n))
        out.append(letter)
    return out


def _parse_choice(item: Item, text: str) -> tuple[str, ...]:
    letters = _letters(item, text, digits_split=False)
    if len(letters) != 1:
        raise _bad(item, _("this question has one right answer: give one letter"))
    return (letters[0],)


def _parse_multi(item: Item, text: str) -> tuple[str, ...]:
    letters = _letters(item, text, digits_split=len(item.options) <= 9)
    return tuple(sorted(set(letters)))


def _parse_order(item: Item, text: str) -> tuple[str, ...]:
    n = len(item.options)
    letters = _letters(item, text, digits_split=n <= 9)
    if sorted(letters) != list(LETTERS[:n]):
        missing = [c for c in LETTERS[:n] if c not in letters]
        twice = sorted({c for c in letters if letters.count(c) > 1})
        why = []
        if missing:
            why.append(_("missing {letters}").format(letters=", ".join(missing)))
        if twice:
            why.append(_("repeated {letters}").format(letters=", ".join(twice)))
        raise _bad(
            item, _("give each of the {n} options exactly once ({why})").format(n=n, why="; ".join(why))
        )
    return tuple(letters)


def _parse_match(item: Item, text: str) -> tuple[str, ...]:
    n, k = len(item.options), len(item.left)
    compact = _SEP_RE.sub("", text)
    if compact and _PAIR_RE.sub("", compact) == "" and any(ch.isdigit() for ch in compact):
        chosen: dict[int, str] = {}
        for num, letter in _PAIR_RE.findall(compact):
            i = int(num)
            if not 1 <= i <= k:
                raise _bad(item, _("there is no term {i}: the terms are 1-{k}").format(i=i, k=k))
            if letter.upper() not in LETTERS[:n]:
                raise _bad(item, _not_an_option(letter, n))
            if i in chosen and chosen[i] != letter.upper():
                raise _bad(item, _("term {i} is paired twice").format(i=i))
            chosen[i] = letter.upper()
        missing = [str(i) for i in range(1, k + 1) if i not in chosen]
        if missing:
            raise _bad(
                item,
                ngettext(
                    "pair every term: {terms} has no letter",
                    "pair every term: {terms} have no letter",
                    len(missing),
                ).format(terms=", ".join(missing)),
            )
        return tuple(chosen[i] for i in range(1, k + 1))
    toks = _tokens(text)
    if len(toks) == 1 and toks[0].isalpha():
        toks = list(toks[0])
    if len(toks) != k or not all(len(t) == 1 and t.isalpha() for t in toks):
        raise _bad(
            item,
            _("give one letter for each of the {k} terms, as pairs (1B 2A) or in order (BA…)").format(k=k),
        )
    letters = [t.upper() for t in toks]
    for c in letters:
        if c not in LETTERS[:n]:
            raise _bad(item, _not_an_option(c, n))
    return tuple(letters)


def _parse_tf(item: Item, text: str) -> str:
    word = text.strip().casefold().rstrip(".!。！")
    if word in _TRUE_WORDS:
        return TRUE
    if word in _FALSE_WORDS:
        return FALSE
    raise _bad(item, _("{text} is neither true nor false").format(text=repr(text.strip())))


def parse_input(item: Item, text: str) -> Parsed:
    """Read one line typed for `item`. Raises `AnswerFormatError` for input that is no answer."""
    raw = text.rstrip("\r\n")
    folded = nfkc(raw).strip()
    if not folded:
        raise _bad(item, _("empty answer (type s to skip, ? for help)"))
    key = folded.casefold()
    cmd = _COMMANDS.get(key)
    if cmd is not None:
        # A one-letter command that is also an option letter answers the item instead.
        single_option = len(key) == 1 and key.upper() in LETTERS[: len(item.options)]
        if not (single_option and item.type in (ItemType.CHOICE, ItemType.MULTI)):
            return Parsed(command=cmd, raw=raw)
    if item.type is ItemType.CHOICE:
        return Parsed(response=_parse_choice(item, folded), raw=raw)
    if item.type is ItemType.MULTI:
        return Parsed(response=_parse_multi(item, folded), raw=raw)
    if item.type is ItemType.ORDER:
        return Parsed(response=_parse_order(item, folded), raw=raw)
    if item.type is ItemType.MATCH:
        return Parsed(response=_parse_match(item, folded), raw=raw)
    if item.type is ItemType.TF:
        return Parsed(response=_parse_tf(item, folded), raw=raw)
    # fill and short keep what was typed (scoring normalises width/case itself).
    return Parsed(response=raw.strip(), raw=raw)


def format_response(item: Item, response: Response | None) -> str:
    """A response as the student would read it back: ``B``, ``A C``, ``1B 2A``, ``对``, text."""
    if response is None:
        return "—"
    if isinstance(response, str):
        return response
    if item.type is ItemType.MATCH:
        return " ".join(f"{i}{c}" for i, c in enumerate(response, 1))
    if item.type is ItemType.ORDER:
        return "".join(response)
    return " ".join(response)


def format_answer(item: Item) -> str:
    """The item's correct answer in the same form as `format_response`."""
    if item.type in (ItemType.FILL, ItemType.SHORT, ItemType.TF):
        return item.answer[0] if item.answer else ""
    return format_response(item, tuple(item.answer))
