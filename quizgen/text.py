"""Text normalisation and lazy Chinese word segmentation.

jieba is imported only inside `segmenter()`, which `quizgen --help` never calls; its prefix
dictionary is filled in lazily (`PrefixDict`), so the first cut costs milliseconds, not the
0.4-1 s jieba takes to build or load the whole dictionary.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import threading
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

_SPACE_RE = re.compile(r"\s+")
# Punctuation that carries no meaning for matching (both widths, after NFKC most are ASCII).
_PUNCT_RE = re.compile(r"[\s\.,;:!?'\"`()\[\]{}<>/\\|\-_*#~、，。；：！？“”‘’（）【】《》「」『』…—·]+")
_CJK_RUN_RE = re.compile(r"([\u4e00-\u9fff]+)")


def nfkc(text: str) -> str:
    """Fold full-width letters, digits and punctuation to their half-width forms (NFKC).

    Same result as ``unicodedata.normalize("NFKC", text)``, about 5x faster on Chinese:
    CJK unified ideographs are stable under NFKC and never compose with a neighbour, so
    only the text between runs of them is normalised."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    parts = _CJK_RUN_RE.split(text)
    for i in range(0, len(parts), 2):
        p = parts[i]
        if p and not unicodedata.is_normalized("NFKC", p):
            parts[i] = unicodedata.normalize("NFKC", p)
    return "".join(parts)


def normalize(text: str) -> str:
    """Width-, case- and space-insensitive form used for comparisons and ids."""
    return _SPACE_RE.sub(" ", nfkc(text).casefold()).strip()


def normalize_loose(text: str) -> str:
    """`normalize` and drop punctuation and spaces: for fuzzy matching of short answers."""
    return _PUNCT_RE.sub("", normalize(text))


def content_hash(*parts: str, length: int = 12) -> str:
    """A stable short id from content (genanki's idea): same text, same id, everywhere."""
    h = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return h[:length]


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def char_ngrams(text: str, n: int) -> list[str]:
    t = normalize_loose(text)
    if len(t) < n:
        return [t] if t else []
    return [t[i : i + n] for i in range(len(t) - n + 1)]


_jieba_lock = threading.Lock()
_jieba: Any = None
_user_words: set[str] = set()

# Bump when the cache layout changes; the cache also names the jieba version and dictionary.
_PREFIX_CACHE_FORMAT = 2


class PrefixDict:
    """jieba's prefix dictionary (word -> frequency, every proper prefix of a word -> 0),
    answered from the sorted dictionary text instead of being built first.

    jieba builds the whole dictionary (about 500,000 entries) before it cuts anything: 0.4 s
    from its ``dict.txt`` on a machine's first run, 0.2-0.5 s from its marshal cache after,
    while starting a quiz looks up about 2,000 distinct strings. Here a lookup is a binary
    search over the sorted ``word freq tag`` lines: ``key`` is a word when a line starts with
    ``key + " "``, a prefix when the first line at or after ``key`` starts with ``key``. The
    answers are exactly jieba's ``gen_pfdict`` entries (tests/test_text.py compares them on the
    whole dictionary); each is remembered. The lines stay UTF-8 bytes (sorted as their code
    points are), so neither making nor loading them decodes 5 MB.

    Implements what `jieba.Tokenizer` does with its ``FREQ``: ``in``, ``[]``, ``get`` and ``[]=``
    (user words, which take precedence).
    """

    def __init__(self, text: bytes) -> None:
        self._text = text  # sorted UTF-8 lines, each ended by b"\\n"
        self._known: dict[str, int | None] = {}  # None: neither a word nor a prefix

    def _line_start(self, key: bytes) -> int:
        """Offset of the first line that is >= `key` (len(text) if none)."""
        text = self._text
        lo, hi = 0, len(text)
        while lo < hi:
            mid = (lo + hi) // 2
            nl = text.rfind(b"\n", lo, mid)
            start = lo if nl < 0 else nl + 1
            end = text.index(b"\n", start) + 1
            if text[start:end] < key:
                lo = end
            else:
                hi = start
        return lo

    def _lookup(self, key: str) -> int | None:
        if key in self._known:
            return self._known[key]
        found: int | None = None
        text = self._text
        k = key.encode("utf-8", "surrogatepass")
        start = self._line_start(k)
        if k and b" " not in k and text.startswith(k, start):
            found = 0
            word = k + b" "
            # the word's own line (the last one, should the dictionary list it twice)
            while text.startswith(word, start):
                found = int(text[start + len(word) : text.index(b" ", start + len(word))])
                start = text.index(b"\n", start) + 1
        self._known[key] = found
        return found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._lookup(key) is not None

    def __getitem__(self, key: str) -> int:
        found = self._lookup(key)
        if found is None:
            raise KeyError(key)
        return found

    def get(self, key: str, default: Any = None) -> Any:
        found = self._lookup(key)
        return default if found is None else found

    def __setitem__(self, key: str, value: int) -> None:
        self._known[key] = value


def _sorted_dictionary(raw: bytes) -> tuple[bytes, int]:
    """jieba's ``dict.txt`` as `PrefixDict` wants it, and its total frequency (jieba's sum over
    every line)."""
    lines = raw.split(b"\n")
    lines.sort()  # UTF-8 bytes sort as their code points do
    total = sum(map(int, re.findall(rb" (\d+) ", raw)))
    return b"\n".join(ln for ln in lines if ln) + b"\n", total


def _cache_path() -> Path:
    from quizgen.paths import cache_dir

    return cache_dir("jieba", "prefix-dict.marshal")


def _prefix_dict(source: Path) -> tuple[PrefixDict, int]:
    """A `PrefixDict` of the dictionary `source` and its total frequency, from the cache under
    the user cache folder, or made from `source` (0.1-0.2 s) and cached."""
    import marshal

    st = source.stat()
    stamp = [_PREFIX_CACHE_FORMAT, str(source), st.st_size, st.st_mtime_ns]
    path = _cache_path()
    try:
        got_stamp, total, text = marshal.loads(path.read_bytes())
        if got_stamp == stamp:
            return PrefixDict(text), total
    except (OSError, EOFError, ValueError, TypeError):
        pass  # no cache yet, or one of another dictionary: make it
    text, total = _sorted_dictionary(source.read_bytes())
    # Written beside the first quiz item rather than before it.
    threading.Thread(
        target=_write_cache, args=(path, (stamp, total, text)), name="quizgen-jieba-cache"
    ).start()
    return PrefixDict(text), total


def _write_cache(path: Path, value: Any) -> None:
    """Write the cache by temp file and rename, without waiting for the disk (fsync): a cache
    lost to a crash is simply made again."""
    import marshal
    import os
    import tempfile

    data = marshal.dumps(value)
    with contextlib.suppress(OSError):  # a read-only cache folder only costs 0.1 s next time
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)


def segmenter() -> Any:
    """The jieba module, initialised quietly on first use with a `PrefixDict`."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import logging

                import jieba

                # jieba logs "Building prefix dict..." at DEBUG/INFO on its own logger.
                jieba.setLogLevel(logging.WARNING)
                logging.getLogger("jieba").setLevel(logging.WARNING)
                dt = jieba.dt
                with dt.lock:
                    if not dt.initialized:
                        source = Path(jieba.__file__).with_name("dict.txt")
                        if dt.dictionary is None and hasattr(dt, "FREQ") and source.is_file():
                            dt.FREQ, dt.total = _prefix_dict(source)
                            dt.initialized = True
                        else:  # a dictionary of the caller's own: jieba's way, cached with ours
                            from quizgen.paths import cache_dir

                            dt.tmp_dir = str(cache_dir("jieba"))
                            Path(dt.tmp_dir).mkdir(parents=True, exist_ok=True)
                            jieba.initialize()
                _jieba = jieba
    return _jieba


def add_words(words: Iterable[str]) -> None:
    """Teach jieba the bank's own terms and aliases so 卷积神经网络 stays one word."""
    jb = segmenter()
    for w in words:
        w = w.strip()
        if w and w not in _user_words and len(w) <= 30:
            _user_words.add(w)
            jb.add_word(w, freq=20000)


def cut(text: str) -> list[str]:
    """Words of `text` (jieba precise mode), spaces dropped."""
    return [w for w in segmenter().lcut(text) if w.strip()]
