"""The interface's language: English (the messages as written in the code) or Chinese.

Messages are kept the gettext way: the code marks them with `_` / `ngettext` (`N_` where a
message is defined before the language is known), ``make i18n`` extracts them with Babel into
``quizgen/locale/quizgen.pot``, updates ``quizgen/locale/zh/LC_MESSAGES/quizgen.po`` and compiles
the ``.mo`` file shipped with the package. tests/test_i18n.py fails when a marked message has
no Chinese translation or the ``.mo`` file is older than the ``.po``.

The language is chosen per command (``--lang zh|en``); by default from the environment the way
gettext does: the first of ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is set, where
``zh``, ``zh_CN.UTF-8``, ``zh_TW``... mean Chinese and anything else English. Library code calls
`_` when it builds a message (never at import), so the language set by the command applies.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping
from pathlib import Path

DOMAIN = "quizgen"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "zh")
ENV_VARS = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_catalogs: dict[str, gettext.NullTranslations] = {}
_current: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def detect_language(environ: Mapping[str, str] | None = None) -> str:
    """'zh' or 'en' from the locale variables, in gettext's order of precedence."""
    env = os.environ if environ is None else environ
    for var in ENV_VARS:
        value = env.get(var, "")
        if value:
            first = value.split(":")[0].strip().lower()
            return "zh" if first.startswith("zh") else "en"
    return "en"


def catalog(language: str) -> gettext.NullTranslations:
    """The translations of `language` (one object per language, loaded once)."""
    if language not in _catalogs:
        if language == "en":
            _catalogs[language] = gettext.NullTranslations()
        else:
            with open(LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo", "rb") as f:
                _catalogs[language] = gettext.GNUTranslations(f)
    return _catalogs[language]


def set_language(language: str | None = None) -> str:
    """Use `language` ('zh' or 'en'; None: from the environment) from now on; returns it."""
    global _current, _language
    lang = detect_language() if language is None else language
    if lang not in LANGUAGES:
        lang = "en"
    _current, _language = catalog(lang), lang
    return lang


def language() -> str:
    return _language


def _(message: str) -> str:
    """`message` in the current language."""
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """`singular` or `plural` (as `n` asks) in the current language."""
    return _current.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks `message` for translation where it is defined; translate it with `_` when shown."""
    return message
