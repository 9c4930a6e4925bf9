"""The interface's languages (quizgen.i18n): the Chinese catalog covers every message in the code,
its compiled .mo is up to date, and every quiz screen renders in Chinese without an English word."""

from __future__ import annotations

import gettext
import io
import re
import string
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po
from rich.console import Console
from typer.testing import CliRunner

from quizgen import i18n
from quizgen.cli import app
from quizgen.items import save_items
from tests.test_quiz_cli import ITEMS, SHORT

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "quizgen" / "locale" / "zh" / "LC_MESSAGES" / "quizgen.po"
MO = PO.with_suffix(".mo")
runner = CliRunner()


def _catalog() -> dict[str, tuple[str, ...]]:
    """msgid (the singular for plurals) -> translations, from the .po."""
    with open(PO, "rb") as f:
        cat = read_po(f)
    out = {}
    for m in cat:
        if not m.id:
            continue
        key = m.id[0] if isinstance(m.id, tuple) else m.id
        assert "fuzzy" not in m.flags, f"fuzzy translation of {key!r}: check it and drop the flag"
        out[key] = tuple(m.string) if isinstance(m.string, tuple) else (m.string,)
    return out


def _messages_in_code() -> dict[str, str]:
    """msgid -> file of every message marked with _, ngettext or N_ in the package."""
    found = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT / "quizgen"), method_map=[("**.py", "python")], keywords=DEFAULT_KEYWORDS
    ):
        found[message[0] if isinstance(message, tuple) else message] = filename
    return found


def test_every_message_in_the_code_has_a_chinese_translation() -> None:
    catalog = _catalog()
    code = _messages_in_code()
    missing = {m: f for m, f in code.items() if m not in catalog or not all(catalog[m])}
    assert not missing, f"untranslated (run `make i18n`, translate them in {PO.name}): {missing}"
    unused = sorted(set(catalog) - set(code))
    assert not unused, f"no longer in the code (run `make i18n`): {unused}"


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def test_translations_keep_the_placeholders() -> None:
    with open(PO, "rb") as f:
        cat = read_po(f)
    for m in cat:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        for s in strings:
            assert _fields(s) == _fields(ids[-1]), (m.id, s)


def test_the_mo_file_is_compiled_from_the_po_file() -> None:
    with open(MO, "rb") as f:
        mo = gettext.GNUTranslations(f)
    with open(PO, "rb") as f:
        cat = read_po(f)
    for m in cat:
        if not m.id:
            continue
        if isinstance(m.id, tuple):
            assert mo.ngettext(m.id[0], m.id[1], 2) == m.string[0], m.id
        else:
            assert mo.gettext(m.id) == m.string, f"{MO.name} is older than {PO.name}: run `make i18n`"
    assert mo.info()["plural-forms"] == "nplurals=1; plural=0;"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "zh_TW.UTF-8"}, "zh"),
        ({"LANG": "zh_CN.UTF-8", "LC_MESSAGES": "C"}, "en"),
        ({"LANGUAGE": "zh_CN:en_US", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LANG": "C.UTF-8"}, "en"),
    ],
)
def test_language_from_the_locale(env: dict[str, str], expected: str) -> None:
    assert i18n.detect_language(env) == expected


class _Missing(gettext.NullTranslations):
    """Records every message the Chinese catalog did not have."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def gettext(self, message: str) -> str:
        self.seen.append(message)
        return message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        self.seen.append(msgid1)
        return msgid1 if n == 1 else msgid2


@pytest.fixture
def missing() -> Iterator[_Missing]:
    rec = _Missing()
    zh = i18n.catalog("zh")
    zh.add_fallback(rec)
    try:
        yield rec
    finally:
        zh._fallback = None  # type: ignore[attr-defined]


# What may stay in Latin letters on a Chinese screen: the bank's own text, option letters and
# keys (one letter), commands and paths (`quizgen review PATH`, --all).
BANK_WORDS = {"CNN", "red", "b", "i", "cnn", "items"}  # cnn.items: the title


def english_words(screen: str) -> list[str]:
    text = "\n".join(ln for ln in screen.splitlines() if not ln.startswith("> "))  # what was typed
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"quizgen \w+( \S+)?", " ", text)
    text = re.sub(r"\S*/\S*", " ", text)
    text = re.sub(r"--\w+", " ", text)
    words = re.findall(r"[A-Za-z]{2,}", text)
    return [w for w in words if w not in BANK_WORDS and not re.fullmatch(r"[A-H]+", w)]  # AC: answers


def _screens(tmp_path: Path, lang: str) -> str:
    """Every screen of quiz, review, resume, history and stats (piped input, no pauses)."""
    items = tmp_path / "cnn.items.yaml"
    save_items([*ITEMS, SHORT], items)
    env = {"COLUMNS": "90"}

    def run(*args: str, input: str = "") -> str:
        r = runner.invoke(app, [*args, "--lang", lang], input=input, env=env)
        assert r.exit_code in (0, 2), r.output
        return r.output

    out = [
        # help, two hints and no more, unreadable input, a skip, then quit with the summary
        run("quiz", str(items), "--embedder", "none", input="?\nh\nh\nh\nzz\n\nC\ns\nq\n"),
        # every type, wrong and partly right, a 错别字, a short answer
        run("resume", input="2 1 4 3\n1C 2A 3B\n对\n卷积神经网\n局部感知和共享权重\n"),
        run("quiz", str(items), "-n", "2", "--scoring", "exam", input="h\nB\nA B\n"),
        run("review", str(items), "--embedder", "none", "--seed", "1", input="s\nq\n"),
        run("review", str(items), "--wrong", "--embedder", "none", input="q\n"),
        run("resume", "1"),  # an error: nothing left to answer
        run("history"),
        run("stats", str(items)),
    ]
    return "\n".join(out)


def test_every_screen_in_chinese_is_translated(tmp_path: Path, missing: _Missing) -> None:
    screens = _screens(tmp_path, "zh")
    assert missing.seen == [], f"not in the Chinese catalog: {sorted(set(missing.seen))}"
    assert "小结 · 第 1 次练习" in screens and "优先复习：" in screens and "复习计划：" in screens
    assert "提示 1/2：不是 A。" in screens and "这道题没有更多提示了。" in screens
    assert "✗ 2. 池化层 → A. 分类  应为 B. 降维" in screens
    assert "错别字：卷积神经网 → 卷积神经网络" in screens
    assert "考试评分" in screens and "练习记录" in screens and "学习进度：cnn.items" in screens
    assert english_words(screens) == [], screens


def test_pause_menus_and_verdicts_in_chinese(missing: _Missing) -> None:
    from quizgen.ui.render import pause_menu

    i18n.set_language("zh")
    console = Console(file=io.StringIO(), width=80, color_system=None)
    day = timedelta(days=1)
    for folded in (True, False):
        for rating in (True, False):
            intervals = {1: timedelta(minutes=10), 2: day, 3: 3 * day, 4: 8 * day} if rating else {}
            console.print(pause_menu(folded=folded, rating=rating, intervals=intervals, auto=2))
    screen = console.file.getvalue()  # type: ignore[attr-defined]
    assert missing.seen == []
    assert "1 重来 10分钟 · 2 困难 1天 · 3 良好 3天 · 4 简单 8天 · 回车 保持困难" in screen
    assert "回车 下一题 · o 自己评价 · e 展开解析 · q 退出" in screen
    assert english_words(screen) == []


def test_every_screen_in_english_has_no_chinese_interface_words(tmp_path: Path) -> None:
    screens = _screens(tmp_path, "en")
    assert "Summary · session 1" in screens and "Study these first:" in screens
    # Chinese on an English screen is the bank's text only
    ui_cjk = {"提示", "小结", "复习", "答对", "错误", "跳过", "退出", "帮助", "解析"}
    assert not [w for w in ui_cjk if w in screens.replace("解析：", "")], screens


def test_errors_and_hints_follow_the_language(tmp_path: Path) -> None:
    r = runner.invoke(app, ["resume", "--lang", "zh"])
    assert r.exit_code == 2
    assert r.stderr == "错误：没有未完成的练习可以继续\n  提示：用 `quizgen quiz BANK` 开始\n"
    r = runner.invoke(app, ["resume", "--lang", "xx"])
    assert r.exit_code == 2 and "Error: unknown --lang 'xx'\n  Hint: use zh (中文) or en" in r.stderr
    r = runner.invoke(app, ["history"], env={"LANG": "zh_CN.UTF-8"})
    assert r.stdout == "还没有练习记录：用 `quizgen quiz BANK` 开始。\n"
    r = runner.invoke(app, ["history"], env={"LANG": "zh_CN.UTF-8", "QUIZGEN_LANG": "en"})
    assert r.stdout == "No sessions yet: start one with `quizgen quiz BANK`.\n"


def test_english_words_finds_them() -> None:
    assert english_words("得分 7/10 · Score · `quizgen quiz x.yaml` · 加 --all 显示 · A. 卷积") == ["Score"]
