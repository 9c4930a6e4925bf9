"""Facts a question can be built on, read from an answer's prose, lists and tables.

Real notes mostly answer in paragraphs, not in ``**术语：** 描述`` lists. A small, named, ordered
list of rules (`RULES`, as markdown-it's Ruler) reads each answer's blocks and sentences into
facts; each rule can be read and tested on its own:

- ``definition``: ``X是…`` / ``X是指…`` / ``X指…`` / ``所谓X，就是…`` / ``X：指…`` where X is a name
  (a Latin identifier, a term the bank uses, or a short noun phrase by jieba's POS tags);
- ``enumeration``: ``X包括A、B和C`` / ``分为…`` / ``主要有…`` / ``有以下几种：…`` with a closed set of
  short members (``…等`` is an open set: nothing can be said not to be a member);
- ``sequence``: ``首先…然后…最后…`` / ``第一步…第二步…`` steps in one paragraph (temporal markers
  only: 其次 lists arguments, not steps);
- ``comparison``: ``A优于B`` / ``A比B更…`` (the sides swap into a false statement), ``A适用于P，B适用
  于Q，C适用于R`` (parallel clauses: a mapping of sides to what is said of them), and tables whose
  columns compare sides row by row;
- ``number``: a quantity with its sentence (``不低于300``, ``1919年``, ``O(n log n)``, ``32%``);
- ``key_term``: a term the author set off (bold, underlined) or the bank uses (a Latin
  identifier, a noun phrase of several answers), with the sentence it sits in;
- ``verdict``: a yes/no question (``PaddleOCR是否支持动态图？``) whose answer starts with its
  verdict (``支持的``, ``目前不支持``): the question as a statement, true or false.

Only sentences that stand on their own are read (no 这/它/其 at the start, no 如下/上述 pointing
elsewhere, no question, no link); a fact keeps its sentence as written, so a true statement is
always a whole sentence of the notes and a false one is that sentence with one swap.
`quizgen.generate.prose` turns facts into items; enumerations, sequences and mappings of three
or more sides also become sections, so the list generators (multi, order, match) read them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from quizgen.bank import ListItem, Question, Section, SectionKind
from quizgen.markup import Block, BlockKind, blocks
from quizgen.text import cut, is_cjk, normalize_loose

__all__ = ["RULES", "Fact", "FactKind", "Reader", "Sentence", "fact_sections", "read_facts"]


class FactKind(StrEnum):
    DEFINITION = "definition"
    ENUMERATION = "enumeration"
    SEQUENCE = "sequence"
    COMPARISON = "comparison"
    NUMBER = "number"
    KEY_TERM = "key_term"
    VERDICT = "verdict"


@dataclass(frozen=True)
class Fact:
    """One thing the notes state.

    - DEFINITION: `term` is defined by `sentence`; `head` is what it is said to be (插值算法).
    - ENUMERATION: `head` (what the members are: PaddleOCR模型部署方式) and `members`; from
      ``方法一：X（…）`` paragraphs also `details` (what is said of each) and `other` the label (方法).
    - SEQUENCE: `members` are the steps in order; `head` what they are steps of.
    - COMPARISON: `members` are the sides (CTC, Attention), `details` what is said of each
      side, in order; for a comparative sentence (A优于B) `term`/`other` are A and B. From a
      table: `head` is the row's property, `details` the cells.
    - NUMBER: `term` is the quantity as written in `sentence` (300, 1919年, O(n)), at `start`;
      `head` its unit (年, %, 点 or ""); `bounded` when the sentence gives a bound (不低于, 约).
    - KEY_TERM: `term` in `sentence`.
    - VERDICT: a yes/no question (…支持…吗？) as a statement in `sentence`, and what the answer
      says of it in `term`: 对 (支持的。) or 错 (目前不支持。).
    """

    kind: FactKind
    rule: str
    qid: str
    sentence: str = ""
    term: str = ""
    other: str = ""
    head: str = ""
    members: tuple[str, ...] = ()
    details: tuple[str, ...] = ()
    start: int = -1
    bounded: bool = False
    block: int = -1
    listed: bool = False  # read from a line of a list (see `Sentence.listed`)


@dataclass(frozen=True)
class Sentence:
    """A sentence of an answer block, list markers and point numbers (（1）, 2.) stripped."""

    text: str
    block: int
    emphasis: tuple[str, ...] = ()
    listed: bool = False  # a list item or a numbered point: one line of a list, not a statement alone


# ---------------------------------------------------------------------------- sentences

_SENT_RE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
_POINT_RE = re.compile(
    r"^\s*(?:[（(]\s*[0-9一二三四五六七八九十]{1,3}\s*[)）]|[①-⑳⑴-⒇⒈-⒛]|\d{1,2}\s*[、.．)](?!\d)"
    r"|[a-hA-H][.)、](?![A-Za-z]))\s*"
)
# A sentence that leans on another: a pronoun or a connective first, or a pointer elsewhere.
LEANS_RE = re.compile(
    r"^(?:这|那|它|其(?!他|它|余)|该|此|上述|以上|以下|如下|下面|上面|同时|另外|而且|并且|但|而|所以|因此|因而"
    r"|于是|然后|接着|最后|首先|其次|或|也|还|又|即(?!使|便)|则|比如|例如|如(?!果|何|今|同)|像|具体|总之|当然|不过"
    r"|否则|对此|为此)"
)
POINTS_ELSEWHERE_RE = re.compile(
    r"如下|以下|下面|下图|上图|如图所示|如图\d|见图|上述|上文|下文|参考|参见|参照|详见|链接|这里|此处|点击|#\d"
)
_URL_RE = re.compile(r"https?://|www\.|\.(?:com|org|cn|io|html?)\b")
MIN_SENTENCE = 8
MAX_SENTENCE = 120


# Code spans and parentheticals hold no sentence or clause boundary (`rgb(255,0,0)`, `!important`).
_SHIELD_RE = re.compile(r"`[^`\n]+`|（[^（）\n]*）|\([^()\n]*\)")


def _shielded(text: str, split: Callable[[str], list[str]]) -> list[str]:
    """`split` applied to `text` with its code spans and parentheticals kept whole."""
    kept: list[str] = []

    def hide(m: re.Match[str]) -> str:
        kept.append(m.group())
        return f"\ue000{len(kept) - 1}\ue001"

    masked = _SHIELD_RE.sub(hide, text)
    return [re.sub("\ue000(\\d+)\ue001", lambda m: kept[int(m.group(1))], part) for part in split(masked)]


# A point number inside a line starts a new point: …MDF③允许作用：…, …耳窝神经损害。（3）神经肌肉阻滞：…,
# …兴奋迷走神经；2.抑制RAAS系统
_INLINE_POINT_RE = re.compile(
    r"(?<=\S)\s*(?=[①-⑳⑴-⒇])|(?<=[\u4e00-\u9fff。；;，,：:）)】])\s*(?=[（(]\d{1,2}[)）])"
    r"|(?<=[。；;])\s*(?=\d{1,2}[.．、](?!\d))"
)


def break_points(text: str) -> str:
    """`text` with a line break before each point number written inside a line."""
    return _INLINE_POINT_RE.sub("\n", text)


def split_sentences(text: str) -> list[str]:
    out = []
    for s in _shielded(break_points(text), _SENT_RE.findall):
        s = _POINT_RE.sub("", s.strip()).strip()
        if s:
            out.append(s)
    return out


def standalone(s: str) -> bool:
    """A whole statement a student can read alone: 8-120 characters, ends a sentence (not a
    question or a lead-in), no pronoun or connective first, no pointer to a figure, link or
    text elsewhere, no code."""
    return (
        MIN_SENTENCE <= len(s) <= MAX_SENTENCE
        and not s.rstrip("。").endswith(
            ("？", "?", "：", ":", "，", ",", "为", "如", "是", "即", "、", "—", "-")
        )
        and not _ASIDE_RE.match(s)
        and not BROKEN_START_RE.match(s)
        and not LEANS_RE.match(s)
        and not POINTS_ELSEWHERE_RE.search(s)
        and not _URL_RE.search(s)
        and "$" not in s
        and _balanced(s)
        # 治疗心绞痛：…-更适合…者：…-…：… is a run of labelled notes (a colon in code is code)
        and len(re.findall(r"[：:]", _CODE_SPAN_RE.sub("", s))) < 2
        and any(is_cjk(ch) for ch in s)
    )


# Text that starts with what no sentence starts with (/第二十八章：…, a fragment of a cross-reference).
BROKEN_START_RE = re.compile(r"^[^\w（(“\"'「《【\[`$]")
# A note in 【】 (【氯丙嗪不良反应】, 【小剂量抗凝，大剂量促凝】): the author's aside or mnemonic.
_ASIDE_RE = re.compile(r"^【[^【】]*】[。.]?$")
# Brackets only: authors often mismatch quotation marks (”###”).
_PAIRS = (("（", "）"), ("(", ")"), ("【", "】"), ("「", "」"), ("《", "》"))


def _balanced(s: str) -> bool:
    """No bracket left open or closed: a sentence cut out of 【表现：反跳现象。见于…增高】 ends with a
    】 it never opened."""
    return all(s.count(a) == s.count(b) for a, b in _PAIRS)


# A clause that qualifies the one before it (但…, 除非…): a sentence is never cut before one.
QUALIFIER_RE = re.compile(r"^(?:但|但是|不过|然而|除非|只有|否则|才|却|仍|反而|而是|并非|不是)")
# A clause that needs a main clause after it (如果…, 在…情况下): never the end of a cut.
SUBORDINATE_RE = re.compile(
    r"^(?:如果|若|假如|要是|当|虽然|尽管|即使|为了|因为|由于|只要|只有|除非|一旦)"
    r"|^(?:对于|关于|针对|至于|随着|根据|按照)[^，,；;]{0,15}[，,；;]?$"
    r"|^(?:并且|而且|同时)?在[^，,；;]{0,24}(?:下|中|时|时候|后|前|里|上)[，,；;]?$"
    r"|(?:情况下|的时候|之后|之前|以后|以前)[，,；;]?$"
)
# A clause that goes on from the one before it (并且…, 从而…): never the start of a cut.
CONTINUATION_RE = re.compile(r"^(?:以及|并且|而且|从而|使得|导致|以便|因此|所以|然后)")


def clauses_of(s: str) -> list[str]:
    """The clauses of a sentence, each with its closing ，；."""
    return [c for c in _shielded(s.rstrip("。.!！"), lambda t: re.split(r"(?<=[，,；;])", t)) if c.strip()]


def clause_prefix(s: str, ok: Callable[[str], bool]) -> str:
    """The longest run of `s`'s leading clauses, as a sentence, that `ok` accepts; never cut
    before a qualifying clause, never ended by a subordinate one; "" when there is none."""
    clauses = clauses_of(s)
    for k in range(len(clauses) - 1, 0, -1):
        if QUALIFIER_RE.match(clauses[k].strip()):
            return ""
        head = "".join(clauses[:k]).rstrip("，,；;") + "。"
        if ok(head) and not SUBORDINATE_RE.search(clauses[k - 1].strip()):
            return head
    return ""


def statement_part(s: str) -> str:
    """`s` if it stands alone, else its longest run of leading clauses that does (dygraph是动态图
    分支，并且适配Paddle-develop, without ``…新特性我们会在这里更新``); "" when there is none."""
    return s if standalone(s) else clause_prefix(s, standalone)


def sentences_of(bs: Sequence[Block]) -> tuple[Sentence, ...]:
    """The sentences of an answer's paragraphs and list items (headings, tables and code are
    not prose)."""
    out: list[Sentence] = []
    for i, b in enumerate(bs):
        if b.kind not in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM) or not b.text:
            continue
        for raw in _shielded(break_points(b.text), _SENT_RE.findall):
            s = _POINT_RE.sub("", raw.strip()).strip()
            if s:
                listed = b.kind is BlockKind.LIST_ITEM or s != raw.strip()
                out.append(Sentence(s, i, tuple(e for e in b.emphasis if e in s), listed))
    return tuple(out)


# ---------------------------------------------------------------------------- names

# POS tags (jieba) of a word that can end a name, and of words no name holds.
_NOUN_TAGS = frozenset({"n", "nr", "ns", "nt", "nz", "ng", "nrt", "nrfg", "eng", "vn", "an", "j", "l", "x"})
_NON_NAME_TAGS = frozenset(
    {"r", "c", "d", "p", "t", "m", "mq", "y", "e", "o", "ad", "ul", "uz", "ug", "uv", "f"}
)
_NOT_A_NAME_RE = re.compile(
    r"^(?:这|那|它|其|该|此|我|你|您|他|她|目前|现在|当前|已经|一般|通常|往往|可能|可以|需要|应该|如果|因为"
    r"|所以|但|而|并|且|或|虽然|即使|只要|只有|对于|关于|由于|通过|根据|在|当|从|将|把|被|让|使|用|有|没有|不|无)"
)
# Words that make a phrase a clause (路径需要硬编码, 元素可以设置外边距).
_CLAUSE_WORDS = frozenset(
    {"需要", "可以", "应该", "能够", "必须", "会", "能", "要", "是", "有", "被", "把", "将", "没有"}
)
_CLAUSE_PUNCT_RE = re.compile(r"[，。；！？,;!?：:、“”\"'《》\n]")
_LATIN_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_\-.+#/ ]{0,30}$")
_ENGLISH_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "is",
        "are",
        "was",
        "be",
        "to",
        "of",
        "and",
        "or",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "it",
        "this",
        "that",
        "we",
        "you",
        "they",
        "can",
        "not",
        "no",
        "yes",
        "ok",
        "if",
        "so",
        "as",
        "do",
        "does",
        "did",
        "has",
        "have",
        "had",
        "will",
        "would",
        "should",
        "could",
        "may",
        "might",
        "must",
        "also",
        "but",
        "from",
        "into",
        "than",
    ]
)
MAX_NAME = 24


def term_size(term: str) -> int:
    """Characters, a Latin word counting as one (sigmoid 函数 -> 3)."""
    return len(re.sub(r"[A-Za-z0-9_]+", "a", re.sub(r"\s+", "", term)))


def _pos(text: str) -> list[tuple[str, str]]:
    """jieba's POS tags of `text`. A bank term taught to jieba comes back as one untagged word
    (x): it is tagged by the dictionary words it is made of instead, so that a clause the notes
    happened to gloss (指定元素相对于屏幕视口（viewport）) is not taken for a name."""
    from quizgen.text import segmenter

    segmenter()  # initialised quietly, with the bank's words
    import jieba.posseg

    out: list[tuple[str, str]] = []
    for p in jieba.posseg.lcut(text):
        w = p.word
        if not w.strip():
            continue
        if p.flag == "x" and len(w) > 1 and all(is_cjk(ch) for ch in w):
            out.extend(_dictionary_words(w))
        else:
            out.append((w, p.flag))
    return out


def _dictionary_words(word: str) -> list[tuple[str, str]]:
    """A Chinese word jieba was taught (it has no tag) as the dictionary words it is made of,
    longest first from the left, with their tags."""
    import jieba.posseg

    tags = jieba.posseg.dt.word_tag_tab
    out = []
    i = 0
    while i < len(word):
        j = next((j for j in range(min(len(word), i + 6), i + 1, -1) if word[i:j] in tags), i + 1)
        out.append((word[i:j], tags.get(word[i:j], "x")))
        i = j
    return out


@functools.lru_cache(maxsize=65536)
def looks_like_name(text: str) -> bool:
    """A short noun phrase (卷积神经网络, 方向分类器, TPS, eval_batch_step), not a clause
    (整图旋转90之后效果变差, 这样的需求, 目前PPOCR默认输入的图片)."""
    t = text.strip()
    core = re.sub(r"[（(][^（）()]*[）)]", "", t).strip()
    if not core or len(t) > MAX_NAME or term_size(core) > 12 or _CLAUSE_PUNCT_RE.search(core):
        return False
    if _LATIN_NAME_RE.match(core):
        words = core.lower().split()
        # a function word makes English words a phrase (the model), not a name (Paddle Lite)
        return any(ch.isalpha() for ch in core) and not any(w in _ENGLISH_WORDS for w in words)
    if _NOT_A_NAME_RE.match(core) or core.isdigit():
        return False
    tags = _pos(core)
    if not tags or tags[-1][1] not in _NOUN_TAGS:
        return False
    return not any(flag in _NON_NAME_TAGS or w in _CLAUSE_WORDS for w, flag in tags)


def names_a_concept(text: str) -> bool:
    """A term card's title: a noun phrase (`looks_like_name`), or a noun and the verb it names
    (首关消除, 受体脱敏): the name of a process, which jieba tags as a verb."""
    if looks_like_name(text):
        return True
    core = re.sub(r"[（(][^（）()]*[）)]", "", text).strip()
    if not core or term_size(core) > 8 or _CLAUSE_PUNCT_RE.search(core) or _NOT_A_NAME_RE.match(core):
        return False
    tags = _pos(core)
    return (
        len(tags) >= 2
        and tags[-1][1] in ("v", "vn")
        and tags[-2][1] in _NOUN_TAGS
        and not any(flag in _NON_NAME_TAGS or w in _CLAUSE_WORDS for w, flag in tags)
    )


# Dictionary POS tags of words a noun phrase is made of; the last one must be a plain noun.
_PHRASE_TAGS = frozenset({"n", "nz", "vn", "nt", "ng", "an", "j", "l"})
_PHRASE_END_TAGS = frozenset({"n", "nz", "nt", "ng"})


def noun_phrases(text: str) -> set[str]:
    """Runs of 1-3 Chinese nouns of 3-8 characters (方向分类器, 骨干网络, 共享内存): candidate
    terms, kept by the caller when several answers of the bank use them. Dictionary tags only
    (fast: jieba's HMM tagger is 10x slower)."""
    from quizgen.text import segmenter

    jb = segmenter()
    import jieba.posseg

    tags = jieba.posseg.dt.word_tag_tab
    out: set[str] = set()
    run: list[tuple[str, str]] = []
    for w in [*jb.lcut(text), "。"]:
        tag = tags.get(w, "x")
        if w not in tags and len(w) > 1 and all(is_cjk(ch) for ch in w):
            # a term of a bank planned before in this process: tagged by its parts
            parts = _dictionary_words(w)
            nouns = all(t in _PHRASE_TAGS for _, t in parts) and parts[-1][1] in _PHRASE_END_TAGS
            tag = parts[-1][1] if nouns else "x"
        elif len(w) >= 4:
            # a long dictionary entry tagged as a noun may be a verb phrase (保持一致): its last part decides
            parts = [p for p in jb.lcut_for_search(w) if 2 <= len(p) < len(w) and w.endswith(p)]
            if parts and tags.get(parts[-1], "x") not in _PHRASE_TAGS:
                tag = "x"
        if tag in _PHRASE_TAGS and all(is_cjk(ch) for ch in w):
            run.append((w, tag))
            continue
        while run and run[-1][1] not in _PHRASE_END_TAGS:
            run.pop()
        phrase = "".join(x for x, _ in run)
        if run and len(run) <= 3 and 3 <= len(phrase) <= 8:
            out.add(phrase)
        run = []
    return out


# ---------------------------------------------------------------------------- the reader


@dataclass(frozen=True)
class Reader:
    """What the rules read: one question's answer, and the names the whole bank uses."""

    qid: str
    title: str
    blocks: tuple[Block, ...]
    sentences: tuple[Sentence, ...]
    names: frozenset[str]  # normalised terms of the bank (emphasised, listed, aliased, subjects)

    def is_name(self, text: str) -> bool:
        """A name of a thing: a term the bank uses, or a phrase that looks like one."""
        n = normalize_loose(text)
        return bool(n) and (n in self.names or looks_like_name(text))

    def statements(self) -> Iterator[Sentence]:
        for s in self.sentences:
            text = statement_part(s.text)
            if text:
                yield (
                    s
                    if text == s.text
                    else replace(s, text=text, emphasis=tuple(e for e in s.emphasis if e in text))
                )


Rule = Callable[[Reader], Iterable[Fact]]


# ---------------------------------------------------------------------------- definition

_COPULAS = ("是指", "指的是", "就是", "是一种", "是一类", "是一个", "是", "指")
_DEF_RE = re.compile(
    r"^(?P<x>[^，。；：,;:]{1,30}?)\s*(?P<cop>是指|指的是|就是|是一种|是一类|是一个|是|指)(?P<body>.+)$"
)
_SUOWEI_RE = re.compile(r"^所谓(?P<x>[^，,]{1,30})[，,]\s*(?:就是|是指|是|指)(?P<body>.+)$")
_GENUS_RE = re.compile(r"^(?:一种|一类|一个|一套|一门|一项)?(?P<g>[^，,。；;]{2,20})")


def genus(body: str) -> str:
    """What a definition says its term is, for telling kinds apart: 一种插值算法，… -> 插值算法."""
    m = _GENUS_RE.match(body.strip())
    if not m:
        return ""
    g = m.group("g")
    g = g.rsplit("的", 1)[-1]
    return g.strip()


_ASPECT_RE = re.compile(
    r"(?:用途|作用|目的|目标|任务|原因|区别|优点|缺点|特点|意义|方法|方式|问题|关键|标准|原理|步骤|过程|流程|结果|效果"
    r"|情况|时候|时)$"
)
_X_TRAIL_RE = re.compile(r"(?:原本|本身|本质上|其实|实际上|主要|通常|一般|其实就|就|也|都|则|即|便|原来)$")


def _names_a_kind(body: str) -> bool:
    """Does the clause after a bare 是 name what X is (一种…, …的稳定版本, 动态图分支)?"""
    first = re.split(r"[，,；;。]", body, maxsplit=1)[0].strip()
    if re.match(r"^(?:一种|一类|一个|一套|一门|一项)", first):
        return True
    if not 2 <= len(first) <= 30 or first.endswith("的"):
        return False
    tail = first.rsplit("的", 1)[-1]
    tags = _pos(tail)
    return (
        bool(tags) and tags[-1][1] in _NOUN_TAGS and not any(f in ("v", "d", "r", "c") for _, f in tags[:1])
    )


def _definition(r: Reader, s: Sentence, x: str, body: str, cop: str) -> Fact | None:
    x = _X_TRAIL_RE.sub("", x.strip().strip("“”\"'「」")).strip()
    if _ASPECT_RE.search(x):
        return None  # "X的用途是…" says what X is for, not what a concept is
    body = body.strip()
    # X是…的 (a property: 图片是正向的), X是否…, X不是…, a body too short to say anything
    if (
        len(normalize_loose(body)) < 4
        or body.rstrip("。.!！").endswith("的")
        or body.startswith(("否", "不"))
        or x.endswith(("不", "也", "都", "就", "还", "才", "并", "则"))
        or not r.is_name(x)
    ):
        return None
    if cop == "是" and not _names_a_kind(body):
        return (
            None  # a bare 是 defines only "X是一种…" / "X是…的Y" / "X是动态图分支"; else it states a property
        )
    return Fact(FactKind.DEFINITION, "definition", r.qid, s.text, term=x, head=genus(body), block=s.block)


def definition(r: Reader) -> Iterator[Fact]:
    for s in r.statements():
        m = _SUOWEI_RE.match(s.text) or _DEF_RE.match(s.text)
        if m:
            cop = m.groupdict().get("cop") or "是指"
            f = _definition(r, s, m.group("x"), m.group("body"), cop)
            if f:
                yield f
    # "- **pretrained_model**：指预训练模型…" : a term, a colon and a definition
    for i, b in enumerate(r.blocks):
        if b.term and b.kind in (BlockKind.LIST_ITEM, BlockKind.PARAGRAPH):
            body = b.body
            m = re.match(r"^(是指|指的是|指|是一种|是一类|是一个|即)(.+)$", body)
            first = split_sentences(body)[:1]
            if m and first and r.is_name(b.term):
                sentence = f"{b.term}{first[0]}"
                if standalone(sentence):
                    yield Fact(
                        FactKind.DEFINITION,
                        "definition",
                        r.qid,
                        sentence,
                        term=b.term,
                        head=genus(m.group(2)),
                        block=i,
                    )


# ---------------------------------------------------------------------------- enumeration

# The word that opens a list, with an optional count: 包括 / 分为两大类 / 主要有以下几种：
_ENUM_CUE_RE = re.compile(
    r"(?:主要|一般|通常|大致|大体|可以|可|目前)?(?:包括|包含|分为|分成|主要有|有(?![效关些时点利助益用趣限所望力的没]))"
    r"(?:以下|如下|下列)?"
    r"(?P<count>[一二两三四五六七八九十\d几]+(?:种|类|个|点|部分|方面|大类|步))?(?:[:：])?\s*"
)
_MEMBER_SPLIT_RE = re.compile(r"\s*(?:、|，|,|以及|及|和|与|或者|或)\s*")
_OPEN_SET_RE = re.compile(r"(?:等等|等|之类|什么的|……|…)$")
_TITLE_SET_RE = re.compile(
    r"^(?P<head>.{2,40}?)(?:都有哪些|有哪些|有哪几种|有哪几类|有几种|有什么|包括哪些|包含哪些|分为哪几类|分为哪几种|主要有哪些"
    r"|的种类|的类型|的分类)"
)
MAX_MEMBER = 16


def title_head(title: str) -> str:
    """What a "what kinds are there" question asks about: PaddleOCR模型部署方式有哪几种？ ->
    PaddleOCR模型部署方式."""
    m = _TITLE_SET_RE.match(title.strip())
    return m.group("head").strip() if m else ""


def _list_after(text: str) -> tuple[tuple[str, ...], bool] | None:
    """The members listed at the start of `text` (up to the end of the list run: a clause that
    is no member, or 。；：), and whether the list is closed (no 等)."""
    run = re.split(r"[。；;：:]", text, maxsplit=1)[0]
    parts = _MEMBER_SPLIT_RE.split(run)
    members: list[str] = []
    for p in parts:
        p = p.strip().strip("“”\"'「」")
        open_ = bool(_OPEN_SET_RE.search(p))
        p = _OPEN_SET_RE.sub("", p).strip()
        if not p or len(p) > MAX_MEMBER or _CLAUSE_PUNCT_RE.search(p):
            break
        members.append(p)
        if open_:
            return tuple(members), False
    return tuple(members), True


def enumeration(r: Reader) -> Iterator[Fact]:
    fallback = title_head(r.title)
    # "`display`的属性值都有哪些？" answered by nothing but the members: `none`, `block`, `inline`…
    first = next((b for b in r.blocks if b.kind is BlockKind.PARAGRAPH), None)
    if fallback and first is not None:
        found = _list_after(first.text.split("\n")[0])
        if (
            found
            and found[1]
            and len(found[0]) >= 3
            and all(r.is_name(x) or x.startswith("`") for x in found[0])
        ):
            listed = ", ".join(found[0])
            if len(normalize_loose(listed)) >= len(normalize_loose(first.text.split("\n")[0])) * 0.8:
                yield Fact(
                    FactKind.ENUMERATION,
                    "enumeration",
                    r.qid,
                    f"{fallback}包括：{'、'.join(found[0])}。",
                    head=fallback,
                    members=found[0],
                    block=r.blocks.index(first),
                )
    for s in r.statements():
        for m in _ENUM_CUE_RE.finditer(s.text):
            found = _list_after(s.text[m.end() :])
            if found is None:
                continue
            members, closed = found
            # keep the name-like members in front (the list ends where a clause begins)
            k = 0
            while k < len(members) and r.is_name(members[k]):
                k += 1
            members = members[:k]
            if not closed or len(members) < 2 or len({normalize_loose(x) for x in members}) != len(members):
                continue
            clause = re.split(r"[，,；;]", s.text[: m.start()])[-1]
            head = clause.strip()
            if not head or not r.is_name(head):
                head = fallback
            if head:
                yield Fact(
                    FactKind.ENUMERATION,
                    "enumeration",
                    r.qid,
                    s.text,
                    head=head,
                    members=members,
                    block=s.block,
                )
                break


# 方法一：嵌套查询（先查出最高的月薪再用它当条件筛选出对应的员工）
_ALTERNATIVE_RE = re.compile(
    r"^(?P<label>方法|方案|思路|做法|解法|方式|写法)\s*(?:[一二三四五六七八九十]+|\d+)\s*[：:]\s*"
    r"(?P<name>[^（(，,。：:]{2,16}?)\s*(?:[（(](?P<paren>[^）)]{2,80})[）)]|[，,：:]\s*(?P<rest>.{2,80}?))?[。.]?$"
)


def alternatives(r: Reader) -> Iterator[Fact]:
    """``方法一：X（…）``, ``方法二：Y（…）`` paragraphs: the ways the answer gives, each with what
    it says of it (an enumeration with `details`)."""
    found: list[tuple[int, re.Match[str]]] = []
    for i, b in enumerate(r.blocks):
        if b.kind is BlockKind.PARAGRAPH and b.quote == 0:
            m = _ALTERNATIVE_RE.match(b.text.split("\n")[0].strip())
            if m:
                found.append((i, m))
    if len(found) < 2 or len({m.group("label") for _, m in found}) != 1:
        return
    names = tuple(m.group("name").strip() for _, m in found)
    details = tuple((m.group("paren") or m.group("rest") or "").strip() for _, m in found)
    if len({normalize_loose(n) for n in names}) != len(names):
        return
    label = found[0][1].group("label")
    head = f"「{r.title.rstrip('？?。')}」的{label}"
    yield Fact(
        FactKind.ENUMERATION,
        "alternatives",
        r.qid,
        head=head,
        other=label,
        members=names,
        details=details if all(details) else (),
        block=found[0][0],
    )


# ---------------------------------------------------------------------------- sequence

_FIRST = ("首先", "第一步", "第一", "先")
_THEN = ("然后", "接着", "随后", "之后", "再", "第二步", "第三步", "第四步", "第二", "第三", "第四")
_LAST = ("最后", "最终", "最后一步")
# 首先 may follow a short lead (部署时首先…); the later markers open a clause.
_STEP_MARK_RE = re.compile(
    r"(首先|第一步)[，,：:]?\s*"
    r"|(?:^|[，,；;。])\s*(然后|接着|随后|之后|再|第二步|第三步|第四步|第五步|最后一步|最后|最终)[，,：:]?\s*"
)
MAX_STEP = 40


def sequence(r: Reader) -> Iterator[Fact]:
    for i, b in enumerate(r.blocks):
        if b.kind not in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM):
            continue
        text = b.text.replace("\n", "")
        marks = list(_STEP_MARK_RE.finditer(text))
        if len(marks) < 3:
            continue
        words = [m.group(1) or m.group(2) for m in marks]
        if words[0] not in ("首先", "第一步") or not any(w in _LAST for w in words):
            continue
        if any(w in _LAST for w in words[:-1]) or not all(w in _THEN for w in words[1:-1]):
            continue
        steps = []
        for k, m in enumerate(marks):
            end = marks[k + 1].start() if k + 1 < len(marks) else len(text)
            step = text[m.end() : end].strip().strip("，,；;。").strip()
            steps.append(step)
        if all(2 <= len(st) <= MAX_STEP for st in steps) and len(
            {normalize_loose(st) for st in steps}
        ) == len(steps):
            head = text[: marks[0].start()].strip().rstrip("：:，,")
            yield Fact(FactKind.SEQUENCE, "sequence", r.qid, text, head=head, members=tuple(steps), block=i)


# ---------------------------------------------------------------------------- comparison

_COMPARE_OP_RE = re.compile(r"优于|好于|高于|低于|快于|慢于|强于|弱于|胜过|不如|比(?=[^，,。；;]{1,24}更)")
_PARALLEL_VERBS = (
    "适用于",
    "用于",
    "适合",
    "负责",
    "表示",
    "代表",
    "对应",
    "作用于",
    "使用",
    "采用",
    "侧重于",
    "针对",
)


def _names_in(r: Reader, text: str) -> list[str]:
    """The names `text` holds, in order: Latin identifiers and the bank's terms."""
    out = []
    for w in cut(text):
        w = w.strip()
        if (_IDENT_RE.fullmatch(w) and w.lower() not in _ENGLISH_WORDS) or normalize_loose(w) in r.names:
            out.append(w)
    return out


def _comparative(r: Reader, s: Sentence) -> Fact | None:
    """A优于B / A比B更…: the last name before the comparison and the first after it."""
    for clause in re.split(r"[，,；;]", s.text):
        m = _COMPARE_OP_RE.search(clause)
        if not m:
            continue
        left, right = _names_in(r, clause[: m.start()]), _names_in(r, clause[m.end() :])
        if not left or not right:
            continue
        a, b = left[-1], right[0]
        if not clause[m.end() :].lstrip().startswith(b) or normalize_loose(a) == normalize_loose(b):
            continue  # B must follow the comparison at once (A优于B, not A优于其他B)
        if s.text.count(a) != 1 or s.text.count(b) != 1:
            continue
        return Fact(
            FactKind.COMPARISON, "comparative", r.qid, s.text, term=a, other=b, members=(a, b), block=s.block
        )
    return None


def _parallel(r: Reader, s: Sentence) -> Fact | None:
    """A适用于P，B适用于Q，C适用于R (the whole sentence, or what follows its colon): sides with
    what the sentence says of each."""
    for part in reversed(re.split(r"[：:]", s.text.rstrip("。"))):
        f = _parallel_part(r, s, part)
        if f:
            return f
    return None


def _parallel_part(r: Reader, s: Sentence, part: str) -> Fact | None:
    clauses = [c.strip() for c in re.split(r"[，,；;]", part) if c.strip()]
    if len(clauses) < 2:
        return None
    for verb in _PARALLEL_VERBS:
        pairs = []
        for c in clauses:
            k = c.find(verb)
            if k <= 0:
                break
            pairs.append((c[:k].strip().removesuffix("则").strip(), c[k:].strip()))
        else:
            sides = [p[0] for p in pairs]
            distinct = len({normalize_loose(x) for x in sides}) == len(sides)
            said = len({normalize_loose(p[1]) for p in pairs}) == len(pairs)
            if distinct and said and all(r.is_name(x) for x in sides):
                return Fact(
                    FactKind.COMPARISON,
                    "parallel",
                    r.qid,
                    s.text,
                    head=verb,
                    members=tuple(sides),
                    details=tuple(p[1] for p in pairs),
                    block=s.block,
                )
    return None


def _tables(r: Reader) -> Iterator[Fact]:
    """A table whose head row names the sides (| | block | inline |) and whose rows each give
    a property and what each side has: one fact per row."""
    rows: dict[int, list[tuple[int, Block]]] = {}
    for i, b in enumerate(r.blocks):
        if b.kind is BlockKind.TABLE_ROW:
            rows.setdefault(b.table_id, []).append((i, b))
    for table in rows.values():
        head = table[0][1]
        if not head.header or len(head.cells) < 3:
            continue
        sides = head.cells[1:]
        if not all(sides) or len({normalize_loose(x) for x in sides}) != len(sides):
            continue
        for i, row in table[1:]:
            if len(row.cells) != len(head.cells) or not row.cells[0]:
                continue
            yield Fact(
                FactKind.COMPARISON,
                "table",
                r.qid,
                head=row.cells[0],
                members=tuple(sides),
                details=tuple(row.cells[1:]),
                block=i,
            )


def comparison(r: Reader) -> Iterator[Fact]:
    for s in r.statements():
        f = _comparative(r, s) or _parallel(r, s)
        if f:
            yield f
    yield from _tables(r)


# ---------------------------------------------------------------------------- number

_NUMBER_RE = re.compile(
    r"(?P<num>O\([^()]{1,12}\)|(?<![A-Za-z0-9_.\-/])\d{1,9}(?:\.\d+)?(?![A-Za-z0-9_.\-/]))"
    r"(?P<unit>\s*(?:%|％|倍|个|次|点|位|层|天|年|小时|分钟|秒|ms|毫秒|MB|GB|KB|px|像素|维|类|种|字|岁|元|人|度|℃|mg|g|kg|ml|mmHg|cm|mm|nm|米|千米|公里|条|张|步|轮|代))?"
)
_NOT_A_QUANTITY_RE = re.compile(r"(?:#|PR|pr|[vV]|版本|version|第)\s*$|[A-Za-z]\s+$")
_NOT_A_QUANTITY_AFTER_RE = re.compile(r"^\s*(?:月|日|号|行|列|周|点钟|[:：]\d)")
_BOUND_BEFORE_RE = re.compile(
    r"(?:不低于|不少于|不超过|不高于|至少|至多|最多|最少|超过|大于|小于|高于|低于|约|大约|接近|近|上限|下限|以内|~|～)\s*$"
)
_BOUND_AFTER_RE = re.compile(r"^\s*(?:以上|以下|以内|左右|上下|多|余|来)")
_FORMULA_RE = re.compile(r"[=+*/^×÷]")


def number(r: Reader) -> Iterator[Fact]:
    for s in r.statements():
        found = [m for m in _NUMBER_RE.finditer(s.text)]
        if not found or len(found) > 2 or _FORMULA_RE.search(s.text):
            continue
        for m in found:
            num = m.group("num")
            unit = (m.group("unit") or "").strip()
            before, after = s.text[: m.start()], s.text[m.end() :]
            if not num.startswith("O(") and not unit and len(num) < 2:
                continue  # a bare digit (一 of 3 things, step 2) says little
            if (
                _NOT_A_QUANTITY_RE.search(before)
                or ("." in num and not unit)
                or _NOT_A_QUANTITY_AFTER_RE.match(after)
            ):
                continue  # an issue number (#2230, PR 12), a version (Paddle 2.0, v1.8), a date, a line
            yield Fact(
                FactKind.NUMBER,
                "number",
                r.qid,
                s.text,
                term=num,
                head=unit,
                start=m.start("num"),
                bounded=bool(_BOUND_BEFORE_RE.search(before) or _BOUND_AFTER_RE.match(after)),
                block=s.block,
                listed=s.listed,
            )


# ---------------------------------------------------------------------------- key term

_CODE_SPAN_RE = re.compile(r"`[^`\n]+`")
_LISTING_RE = re.compile(r"[、，,；;。]")
_CODE_TOKEN_RE = re.compile(r"`[^`\s、，,;；]{1,16}`")
_IDENT_RE = re.compile(r"(?<![A-Za-z0-9_.\-])[A-Za-z][A-Za-z0-9]*(?:[_\-.][A-Za-z0-9]+)*(?![A-Za-z0-9_])")


def key_term(r: Reader) -> Iterator[Fact]:
    """Each statement's terms: what the author emphasised in it, the bank's own terms, and Latin
    identifiers (CTC, eval_batch_step); the generator picks the most specific one."""
    for s in r.statements():
        # a span that lists things (<u>T淋巴细胞、B淋巴细胞</u>) is no one term
        emphasised = [
            e for e in s.emphasis if 2 <= len(e) <= MAX_MEMBER and r.is_name(e) and not _LISTING_RE.search(e)
        ]
        cands: list[str] = list(emphasised)
        # code spans of one token: `float`, `z-index`, `@font-face` (the whole span, backticks and
        # all); `a、b、c、d` or `float: left` is no term
        code = [m.group() for m in _CODE_SPAN_RE.finditer(s.text) if _CODE_TOKEN_RE.fullmatch(m.group())]
        cands.extend(code)
        prose = _CODE_SPAN_RE.sub(" ", s.text)
        for m in _IDENT_RE.finditer(prose):
            w = m.group()
            if len(w) >= 2 and w.lower() not in _ENGLISH_WORDS and not w.isdigit():
                cands.append(w)
        cands.extend(w for w in cut(s.text) if normalize_loose(w) in r.names)
        seen: set[str] = set()
        for c in cands:
            k = normalize_loose(c)
            if k and k not in seen and s.text.count(c) == 1:
                seen.add(k)
                rule = "emphasised" if c in emphasised else "code" if c in code else "key_term"
                yield Fact(FactKind.KEY_TERM, rule, r.qid, s.text, term=c, block=s.block)


# ---------------------------------------------------------------------------- verdict

# 是否X -> X, 能否X -> 能X … (a yes/no question turned into the statement it asks about)
_YES_NO_FORMS = (
    ("是否", ""),
    ("能否", "能"),
    ("可否", "可以"),
    ("有没有", "有"),
    ("是不是", "是"),
    ("能不能", "能"),
    ("可不可以", "可以"),
    ("会不会", "会"),
    ("要不要", "要"),
    ("需不需要", "需要"),
    ("支不支持", "支持"),
)
_QUESTION_END_RE = re.compile(r"\s*(?:吗|么|嘛)?\s*[？?]?\s*$")
_WH_RE = re.compile(r"什么|怎么|怎样|如何|为什么|为何|哪|多少|几|还是|谁|何时|是否.*是否")
_FIRST_PERSON_RE = re.compile(r"我|咱|请问|想")
_VERBS = r"(?:支持|可以|能够|能|会|需要|要|用|行|是|有|建议|推荐|提供|可|必须|影响)"
_YES_RE = re.compile(rf"^(?:目前|现在|当前|已经)?(?P<v>是的|对的|{_VERBS})(?:的)?(?:[，。,.！!；;]|$)")
_NO_RE = re.compile(rf"^(?:目前|现在|当前|暂时|暂|还|并)?(?:不(?P<v>{_VERBS})|(?P<n>没有|无法|不能))")


def yes_no_statement(title: str) -> str | None:
    """``PaddleOCR是否支持动态图？`` -> ``PaddleOCR支持动态图。``; None for any other question
    (how, why, which, two questions in one, a question about the asker)."""
    t = title.strip()
    body = _QUESTION_END_RE.sub("", t)
    asked = t.endswith(("吗", "么", "嘛")) or re.search(r"(?:吗|么|嘛)\s*[？?]\s*$", t)
    forms = [(a, b) for a, b in _YES_NO_FORMS if a in body]
    if not (asked or forms) or _WH_RE.search(t) or _FIRST_PERSON_RE.search(t):
        return None
    if re.search(r"[？?]", body) or len(forms) > 1:
        return None
    for a, b in forms:
        body = body.replace(a, b, 1)
    body = body.strip().rstrip("，,。")
    statement = f"{body}。"
    return statement if standalone(statement) else None


def verdict(r: Reader) -> Iterator[Fact]:
    statement = yes_no_statement(r.title)
    if statement is None or not r.sentences:
        return
    first = r.sentences[0].text
    no, yes = _NO_RE.match(first), _YES_RE.match(first)
    m = no or yes
    if m is None:
        return
    # the answer's verb is the question's: 支持的 for 是否支持, not 不建议 for 可以…吗
    verb = {"是的": "是", "对的": "是", "没有": "有", "无法": "能", "不能": "能"}.get(
        m.group("n") if no and m.group("n") else m.group("v"),
        m.group("n") if no and m.group("n") else m.group("v"),
    )
    if verb and verb in statement:
        yield Fact(FactKind.VERDICT, "verdict", r.qid, statement, term="错" if no else "对", details=(first,))


# ---------------------------------------------------------------------------- the rules

RULES: tuple[tuple[str, Rule], ...] = (
    ("definition", definition),
    ("enumeration", enumeration),
    ("alternatives", alternatives),
    ("sequence", sequence),
    ("comparison", comparison),
    ("number", number),
    ("key_term", key_term),
    ("verdict", verdict),
)


def read_facts(
    q: Question, names: frozenset[str], *, title: str = "", rules: Sequence[tuple[str, Rule]] = RULES
) -> tuple[Fact, ...]:
    """Every fact the rules read from `q`'s answer (Markdown as written), in rule order."""
    bs = blocks(q.answer)
    r = Reader(qid=q.id, title=title or q.title, blocks=bs, sentences=sentences_of(bs), names=names)
    return tuple(f for _, rule in rules for f in rule(r))


# ---------------------------------------------------------------------------- as lists

FACT_LIST_LABEL = "答案"


def fact_sections(facts: Iterable[Fact], title: str) -> tuple[Section, ...]:
    """Enumerations of 3+ members, sequences, and mappings of 3+ sides as sections, for the list
    generators: ``{head}包括：`` members (multi, "which is NOT one of", membership tf), steps
    (order), side -> what is said of it (match, term <-> description)."""
    out: list[Section] = []
    for f in facts:
        if f.kind is FactKind.ENUMERATION and f.details:
            out.append(
                Section(
                    label=f.other or f.head,
                    kind=SectionKind.SOLUTION,
                    items=tuple(ListItem(m, d) for m, d in zip(f.members, f.details, strict=True)),
                )
            )
        elif f.kind is FactKind.ENUMERATION and len(f.members) >= 3:
            out.append(
                Section(
                    label=f.head,
                    kind=SectionKind.OTHER,
                    lead=f"{f.head}包括：",
                    items=tuple(ListItem(None, m) for m in f.members),
                )
            )
        elif f.kind is FactKind.SEQUENCE:
            out.append(
                Section(
                    label="步骤",
                    kind=SectionKind.STEPS,
                    lead=f"{f.head}：" if f.head and len(f.head) <= 40 else "",
                    items=tuple(ListItem(None, m) for m in f.members),
                )
            )
        elif f.kind is FactKind.COMPARISON and f.rule == "parallel" and len(f.members) >= 3:
            out.append(
                Section(
                    label=FACT_LIST_LABEL,
                    kind=SectionKind.OTHER,
                    items=tuple(ListItem(a, d) for a, d in zip(f.members, f.details, strict=True)),
                )
            )
    return tuple(out)
