"""The items file loader: refusing what a bank loader refuses (aliases that explode, tags)."""

from __future__ import annotations

import pytest

from quizgen.errors import ItemsError
from quizgen.items import loads_items


def _err(text: str) -> str:
    with pytest.raises(ItemsError) as e:
        loads_items(text, "i.yaml")
    return e.value.render()


ITEM = "- id: c{n}\n  type: tf\n  question_id: q\n  stem: *big\n  answer: [对]\n"


def test_items_alias_bomb_is_refused() -> None:
    text = "schema_version: 1\nbig: &big " + "长" * 100_000 + "\nitems:\n"
    text += "".join(ITEM.format(n=i) for i in range(2000))
    msg = _err(text)
    assert msg.startswith("i.yaml:2: YAML aliases would expand this file from ")
    assert "(the node anchored at line 2 is referenced 2000 times by aliases); refused" in msg


def test_items_tag_is_not_allowed() -> None:
    text = "items:\n- !!python/object/apply:os.system ['echo pwned']\n"
    assert _err(text).startswith("i.yaml:2: the tag !!python/object/apply:os.system is not allowed")


def test_items_syntax_error_names_the_line() -> None:
    assert _err("items: [\n") == "i.yaml:2: not valid YAML: did not find expected node content\n" + (
        "  Hint: fix the YAML syntax"
    )
