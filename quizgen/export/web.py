"""One self-contained HTML quiz for phones (``quizgen export ITEMS -f web``).

Everything is inline (CSS, JS, the items); a Content-Security-Policy allows no request of any
kind, so the page works from ``file://``, from any static host and inside a chat app's browser.
Bank text reaches the page as JSON and the DOM as ``textContent``: ``<b>`` shows as typed.

Two modes (`WebMode`):

- practice: the key is in the page; each answer is checked at once, with the right answer,
  per-part marks and the explanation, scored with `quizgen.scoring.PRACTICE`.
- exam: no feedback until the student submits; optional time limit. The page holds no plain key
  and no explanation: for objective items only salted SHA-256 hashes (`exam_key`), enough to score
  the answers at submit under `quizgen.scoring.EXAM`. Short answers are left to the teacher.
  With ``keyless`` not even the hashes: the page only collects answers.

The page's scorer (``data/web/score.js``) mirrors `quizgen.scoring` rule for rule; tests run the
same responses through both. Fill answers in exam mode are matched without the plain answer:
each accepted form contributes the hashes of its *deletion neighbourhood* (the form with up to k
characters left out, k the typos `allowed_edits` tolerates, each with the positions of the gaps).
Two strings are within k edits exactly when some deletion variants of both (at most k each) are
equal, the edit count being the deletions minus the gaps they share; so the page finds the same
edit distance and the same 错别字 rule as `quizgen.scoring.fill_match` from hashes alone.

Results leave the page as ``results-<学号>.json`` (and a text code for chat apps): see
`quizgen.results` for the format; `quiz_id` and `fingerprint` tie them to these items.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import itertools
import json
import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from importlib.resources import files
from typing import Any

from quizgen import scoring
from quizgen.errors import ExportError
from quizgen.export.common import SECTION_NAMES, clean, fill_accepted, key_points
from quizgen.items import LETTERS, Item, ItemType
from quizgen.text import _PUNCT_RE, content_hash, is_cjk, normalize_loose

HASH_LENGTH = 16  # hex digits of each stored hash (64 bits)
MAX_TIME_LIMIT = 24 * 60  # minutes


class WebMode(StrEnum):
    PRACTICE = "practice"
    EXAM = "exam"


@dataclass(frozen=True)
class WebOptions:
    mode: WebMode = WebMode.PRACTICE
    time_limit: float | None = None  # minutes; exam mode only
    keyless: bool = False  # exam mode: no hashes either, the page only collects answers


def policy_for(mode: WebMode | str) -> scoring.ScoringPolicy:
    """The scoring policy a page of this mode applies (and `results collect` re-applies)."""
    return scoring.EXAM if WebMode(mode) is WebMode.EXAM else scoring.PRACTICE


# ---------------------------------------------------------------------------- identity


def fingerprint(item: Item) -> str:
    """A hash of what a student sees of an item: its id, type, stem, options and terms. A result
    is scored against an item only when this matches (same letters mean the same options)."""
    return content_hash(item.id, item.type.value, item.stem, *item.options, "\x1e", *item.left)


def quiz_id(items: Sequence[Item]) -> str:
    """The quiz a results file belongs to: its items as the students saw them, in order. The
    answers are not part of it, so a corrected key re-scores the same results."""
    return content_hash(*(fingerprint(i) for i in items))


# ---------------------------------------------------------------------------- exam keys


def _h(salt: str, item: Item, *parts: object) -> str:
    return content_hash(salt, item.id, *(str(p) for p in parts), length=HASH_LENGTH)


def _digits(s: str) -> str:
    return " ".join(re.findall(r"\d+", s))


def _neighbourhood(form: str, k: int) -> dict[str, list[tuple[str, int]]]:
    """Every way of leaving up to k characters out of `form`: residual -> [(gap slots, touches a
    Chinese character)]. A gap slot is where the left-out character sat in the residual."""
    out: dict[str, list[tuple[str, int]]] = {}
    chars = list(form)
    for size in range(k + 1):
        for gone in itertools.combinations(range(len(chars)), size):
            residual = "".join(c for i, c in enumerate(chars) if i not in gone)
            slots = ",".join(str(p - n) for n, p in enumerate(gone))
            cjk = int(any(is_cjk(chars[p]) for p in gone))
            entry = (slots, cjk)
            bucket = out.setdefault(residual, [])
            if entry not in bucket:
                bucket.append(entry)
    return out


def exam_key(item: Item, salt: str) -> dict[str, Any]:
    """What an exam page may know of an item's key: salted hashes only (see the module doc)."""
    t = item.type
    valid = LETTERS[: len(item.options)]
    if t is ItemType.CHOICE:
        return {"c": _h(salt, item, "choice", item.answer[0])}
    if t is ItemType.MULTI:
        return {"m": sorted(_h(salt, item, "multi", a) for a in item.answer)}
    if t is ItemType.ORDER:
        return {"o": sorted(_h(salt, item, "order", a, r) for r, a in enumerate(item.answer) if a in valid)}
    if t is ItemType.MATCH:
        return {"p": sorted(_h(salt, item, "match", i, a) for i, a in enumerate(item.answer))}
    if t is ItemType.TF:
        return {"t": _h(salt, item, "tf", item.answer[0])}
    if t is ItemType.FILL:
        forms = []
        for i, form in enumerate(f for f in map(normalize_loose, fill_accepted(item)) if f):
            k = scoring.allowed_edits(len(form))
            forms.append(
                {
                    "n": len(form),
                    "k": k,
                    "d": _h(salt, item, "digits", i, _digits(form)),
                    "x": {
                        _h(salt, item, "fill", i, residual): [[s, c] for s, c in entries]
                        for residual, entries in _neighbourhood(form, k).items()
                    },
                }
            )
        return {"f": forms}
    return {}


# ---------------------------------------------------------------------------- page data


def _public(item: Item, options: WebOptions, salt: str) -> dict[str, Any]:
    d: dict[str, Any] = {
        "id": item.id,
        "type": item.type.value,
        "stem": clean(item.stem),
        "points": item.points,
        "seen": fingerprint(item),
    }
    if item.options:
        d["options"] = [clean(o) for o in item.options]
    if item.left:
        d["left"] = [clean(t) for t in item.left]
    if options.mode is WebMode.PRACTICE:
        d["answer"] = list(item.answer)
        if item.type is ItemType.FILL:
            d["accept"] = list(item.accept)
        if item.type is ItemType.SHORT:
            d["key_points"] = [[kp.text, kp.points] for kp in key_points(item)]
        d["explanation"] = clean(item.explanation)
    elif not options.keyless and item.type is not ItemType.SHORT:
        d["key"] = exam_key(item, salt)
    return d


@functools.cache
def normalisation_tables() -> dict[str, Any]:
    """Python's own text rules as data for the page, so it normalises exactly as
    `quizgen.text.normalize_loose` and `quizgen.scoring.tf_value` do: the characters whose
    `str.casefold` differs from lower-casing, the characters the punctuation pattern (and
    ``\\s``) drop, the characters `str.strip` strips."""
    fold, drop, space = {}, [], []
    for cp in range(0x10000):
        if 0xD800 <= cp < 0xE000:
            continue
        c = chr(cp)
        if c.casefold() != c.lower():
            fold[c] = c.casefold()
        if _PUNCT_RE.fullmatch(c):
            drop.append(c)
        if c.isspace():
            space.append(c)
    return {
        "fold": fold,
        "drop": "".join(drop),
        "space": "".join(space),
        "true": sorted(scoring._TRUE_WORDS),
        "false": sorted(scoring._FALSE_WORDS),
        "tfStrip": "。.!！",
        "unicode": unicodedata.unidata_version,
    }


def _policy_data(p: scoring.ScoringPolicy) -> dict[str, Any]:
    return {
        "name": p.name,
        "multi": p.multi.value,
        "cjkTypoCredit": p.cjk_typo_credit,
        "latinTypos": p.latin_typos,
    }


def page_data(
    items: Sequence[Item], *, title: str, options: WebOptions, rng: random.Random | None = None
) -> dict[str, Any]:
    """Everything the page script reads (embedded as JSON)."""
    salt = f"{(rng or random.Random(0)).getrandbits(64):016x}"
    return {
        "format": "quizgen-web",
        "version": 1,
        "id": quiz_id(items),
        "title": title,
        "mode": options.mode.value,
        "keyless": options.keyless,
        "timeLimit": options.time_limit,
        "salt": salt if options.mode is WebMode.EXAM and not options.keyless else "",
        "policy": _policy_data(policy_for(options.mode)),
        "typeNames": {t.value: SECTION_NAMES[t] for t in ItemType},
        "items": [_public(i, options, salt) for i in items],
    }


# ---------------------------------------------------------------------------- rendering


def asset(name: str) -> str:
    return (files("quizgen") / "data" / "web" / name).read_text(encoding="utf-8")


def _json_for_script(data: Any) -> str:
    # Inside <script>, "</script>" or "<!--" in bank text would end or confuse the element.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode() + "'"


def scripts() -> str:
    """The page's script: SHA-256, the scorer, then the app (one inline element)."""
    return "\n".join(asset(n) for n in ("sha256.js", "score.js", "app.js"))


def render(
    items: Sequence[Item],
    *,
    title: str,
    options: WebOptions | None = None,
    rng: random.Random | None = None,
) -> str:
    opts = options or WebOptions()
    if not items:
        raise ExportError("there are no items to export", hint="generate some items first (-n, --types)")
    if opts.mode is not WebMode.EXAM and (opts.time_limit is not None or opts.keyless):
        raise ExportError(
            "a time limit and a keyless page are for exam mode",
            hint="add --mode exam, or leave --time-limit / --keyless out",
        )
    if opts.time_limit is not None and not 0 < opts.time_limit <= MAX_TIME_LIMIT:
        raise ExportError(
            f"time limit {opts.time_limit:g} is out of range", hint=f"give 1-{MAX_TIME_LIMIT} minutes"
        )
    data = page_data(items, title=title, options=opts, rng=rng)
    tables = normalisation_tables()
    script = scripts()
    style = asset("style.css")
    csp = (
        "default-src 'none'; img-src data:; form-action 'none'; base-uri 'none'; "
        f"style-src {_csp_hash(style)}; script-src {_csp_hash(script)}"
    )
    values = {
        "csp": html.escape(csp, quote=True),
        "title": html.escape(title),
        "data": _json_for_script(data),
        "tables": _json_for_script(tables),
        "style": style,
        "script": script,
    }
    # One pass, so text put in (a title holding "{{script}}") is never substituted again.
    return re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], asset("page.html"))
