"""The YAML of banks and items files, written and read without PyYAML's Python layers.

PyYAML spends most of a big bank's time in Python: representing every value as a node and
resolving its tag before libyaml emits it, and resolving and constructing every node libyaml
has read. A 10 MB notes file makes a 13 MB bank; that took 3 s to write and 5 s to read.

`dump` writes, byte for byte, what ``yaml.dump(data, Dumper=CSafeDumper, allow_unicode=True,
sort_keys=False, width=10**6, indent=2)`` writes with the string styles of
`quizgen.bank._str_representer` (double-quoted when a YAML reader would change the text,
literal ``|`` for several lines, else plain when plain reads back as the same string, else
single-quoted): libyaml's choices of style, escapes and layout, ported. The tests compare the
two on generated data. It handles dicts, lists (`Flow` ones inline), strings, ints, bools,
floats and None; anything else raises `Unsupported` and the caller uses PyYAML.

`load` reads the block YAML `dump` writes (a file quizgen wrote, or edited by hand in the same
style) and raises `Unsupported` at the first thing outside it: comments, anchors, tags, flow
mappings, multi-line plain or quoted scalars, tabs, unusual indentation, and any scalar that
is not written the way `dump` would write its value. That last check is what makes the fast
path safe: every scalar it accepts is one whose meaning in YAML is plain (a plain scalar that
resolves to a string, an int written as `dump` writes ints, ...), so the data equals what
`yaml.safe_load` builds, and the caller falls back to PyYAML (with its error messages) for
everything else.
"""

from __future__ import annotations

import re
from typing import Any

from yaml.resolver import Resolver


class Unsupported(Exception):
    """Data or text outside what this module handles: use PyYAML."""


class Flow(list[Any]):
    """A list written inline: ``[卷积神经网络, CNN]`` (scalars only)."""


# Longer lines make libyaml wrap plain and quoted scalars (it is called with width=10**6; the
# margin is for the key and indentation in front).
_MAX_LINE = 900_000

_RESOLVERS = Resolver.yaml_implicit_resolvers
_RESOLVER_FIRST = frozenset(_RESOLVERS)  # first characters of null, bools, numbers, dates, ...

# Text that can only be written double-quoted (where it is escaped): characters PyYAML's safe
# reader changes or refuses (quizgen.bank._str_representer asks for double quotes for those),
# and characters libyaml does not print (tab, C1 controls, surrogates, U+FFFE/FFFF, beyond the
# BMP). Not a line break: text of several lines is a literal block where it can be.
_DOUBLE_RE = re.compile("[^\n -~\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]")
_PLAIN_START_BAD_RE = re.compile(r"---|\.\.\.|[#,\[\]{}&*!|>'\"%@`]|[?:-](?: |\Z)| ")


def _block_plain_bad(s: str) -> bool:
    """Does something keep one-line text from being written plain in block context: a leading
    indicator (``- ``, ``? ``, ``: ``, ``#``, ``&``, ``*``, quotes, ...) or document marker,
    ``: `` or `` #`` inside, a colon or space at the end, a space at the start?"""
    return bool(": " in s or " #" in s or s.endswith((":", " ")) or _PLAIN_START_BAD_RE.match(s))


# ... and in a flow sequence also any of these
_FLOW_INDICATOR_RE = re.compile(r"[,?\[\]{}:]")
# What double-quoted text escapes: libyaml's unprintable characters, line breaks, `"` and `\`.
_ESCAPE_RE = re.compile('[^ -~\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]|["\\\\]')
_ESCAPES = {
    "\x00": "\\0",
    "\x07": "\\a",
    "\x08": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\x0b": "\\v",
    "\x0c": "\\f",
    "\r": "\\r",
    "\x1b": "\\e",
    '"': '\\"',
    "\\": "\\\\",
    "\x85": "\\N",
    "\u2028": "\\L",
    "\u2029": "\\P",
}
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_KEY_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_FLOAT_TAG = "tag:yaml.org,2002:float"


def _escape(m: re.Match[str]) -> str:
    ch = m.group()
    e = _ESCAPES.get(ch)
    if e is not None:
        return e
    o = ord(ch)
    if o <= 0xFF:
        return f"\\x{o:02X}"
    if o <= 0xFFFF:
        return f"\\u{o:04X}"
    return f"\\U{o:08X}"


def _double(s: str) -> str:
    if _SURROGATE_RE.search(s):
        raise Unsupported("a lone surrogate")  # PyYAML cannot encode it either: let it say so
    text = '"' + _ESCAPE_RE.sub(_escape, s) + '"'
    if len(text) > _MAX_LINE:
        raise Unsupported("a line libyaml would wrap")
    return text


def _resolves_to_str(s: str) -> bool:
    """Does `s`, written plain, read back as a string (not null, a bool, a number, a date)?"""
    if s[:1] not in _RESOLVER_FIRST:
        return True
    return not any(regexp.match(s) for _tag, regexp in _RESOLVERS[s[:1]])


def _one_line(s: str, flow: bool = False) -> str:
    """A string without line breaks as plain, single- or double-quoted text, as libyaml
    picks (in a flow sequence when `flow`)."""
    if _DOUBLE_RE.search(s):
        return _double(s)
    if len(s) > _MAX_LINE:
        raise Unsupported("a line libyaml would wrap")
    if (
        s
        and not _block_plain_bad(s)
        and (s[0] not in _RESOLVER_FIRST or _resolves_to_str(s))
        and not (flow and _FLOW_INDICATOR_RE.search(s))
    ):
        return s
    return "'" + s.replace("'", "''") + "'"


def _literal_ok(s: str) -> bool:
    """Can multi-line text be a literal block? Not with characters only double quotes can hold,
    nor with a space at the end of a line (libyaml's rule)."""
    return not (_DOUBLE_RE.search(s) or s.endswith(" ") or " \n" in s)


def _float(v: float) -> str:
    # SafeRepresenter.represent_float
    if v != v:
        text = ".nan"
    elif v == float("inf"):
        text = ".inf"
    elif v == float("-inf"):
        text = "-.inf"
    else:
        text = repr(v).lower()
        if "." not in text and "e" in text:
            text = text.replace("e", ".0e", 1)
    tag = next((t for t, regexp in _RESOLVERS.get(text[:1], ()) if regexp.match(text)), None)
    if tag != _FLOAT_TAG:
        raise Unsupported("a float PyYAML writes with a tag")
    return text


def _scalar(v: Any, flow: bool = False) -> str:
    """A scalar other than multi-line text in block context, as written."""
    t = type(v)
    if t is str:
        return _one_line(v, flow) if "\n" not in v else _double(v)
    if t is int:
        return str(v)
    if v is None:
        return "null"
    if t is bool:
        return "true" if v else "false"
    if t is float:
        return _float(v)
    raise Unsupported(f"a {t.__name__} value")


def _chomping(s: str) -> str:
    """A literal block's chomping indicator: strip its last line break, keep all of them, or
    (``""``) clip to one."""
    if not s.endswith("\n"):
        return "-"
    return "+" if s == "\n" or s.endswith("\n\n") else ""


class _Writer:
    """Lines of YAML, as libyaml writes them."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        # a literal block that keeps its trailing blank lines leaves the document open:
        # libyaml then ends it with "..." (unless a later block scalar resets that)
        self.open_ended = False
        self.keys: set[str] = set()  # keys already checked

    def literal(self, s: str, head: str, indent: int) -> None:
        """`head` (``key:`` or ``-``) and multi-line text `s` as a literal block (its lines
        indented by `indent` + 2), or double-quoted when a literal block cannot hold it."""
        if not _literal_ok(s):
            self.lines.append(f"{head} {_double(s)}")
            return
        hint = "2" if s[0] in " \n" else ""
        chomp = _chomping(s)
        self.open_ended = chomp == "+"
        self.lines.append(f"{head} |{hint}{chomp}")
        pad = " " * (indent + 2)
        body = s.split("\n")
        if not body[-1]:
            body.pop()  # the last line break ends the last line
        self.lines.extend(pad + x if x else "" for x in body)

    def value(self, v: Any, head: str, indent: int) -> None:
        """A mapping value or sequence item that is not a non-empty block collection."""
        t = type(v)
        if t is str and "\n" in v:
            self.literal(v, head, indent)
        elif t is Flow:
            line = f"{head} [{', '.join(_scalar(x, flow=True) for x in v)}]"
            if len(line) > _MAX_LINE:
                raise Unsupported("a line libyaml would wrap")
            self.lines.append(line)
        elif t is list:
            self.lines.append(f"{head} []")
        elif t is dict:
            self.lines.append(f"{head} {{}}")
        else:
            self.lines.append(f"{head} {_scalar(v)}")

    def mapping(self, d: dict[Any, Any], indent: int, first: str) -> None:
        """A non-empty mapping whose keys sit at column `indent`; `first` starts its first line
        (``- `` when it is a sequence item)."""
        pad = " " * indent
        lead = first
        lines = self.lines
        for k, v in d.items():
            if k not in self.keys:
                if type(k) is not str or not _KEY_RE.match(k) or not _resolves_to_str(k):
                    raise Unsupported("a key that is not a plain word")
                self.keys.add(k)
            head = f"{lead}{k}:"
            lead = pad
            t = type(v)
            if t is str and "\n" not in v:
                lines.append(f"{head} {_one_line(v)}")
            elif t is dict and v:
                lines.append(head)
                self.mapping(v, indent + 2, pad + "  ")
            elif t is list and v:
                lines.append(head)
                self.sequence(v, indent, pad)  # a sequence in a mapping is not indented
            else:
                self.value(v, head, indent)

    def sequence(self, items: list[Any], indent: int, first: str) -> None:
        """A non-empty block sequence whose dashes sit at column `indent`."""
        pad = " " * indent
        lead = first
        for v in items:
            t = type(v)
            if t is dict and v:
                self.mapping(v, indent + 2, lead + "- ")
            elif t is list and v:
                self.sequence(v, indent + 2, lead + "- ")
            else:
                self.value(v, lead + "-", indent)
            lead = pad


def dump(data: Any) -> str:
    """`data` (a non-empty dict) as YAML, exactly as libyaml writes it (see the module doc)."""
    if type(data) is not dict or not data:
        raise Unsupported("not a non-empty mapping")
    w = _Writer()
    w.mapping(data, 0, "")
    return "\n".join(w.lines) + ("\n...\n" if w.open_ended else "\n")


# ---------------------------------------------------------------------------- reading

# A flow sequence's items: plain (no indicators, so no comma), single- or double-quoted
_FLOW_ITEM_RE = re.compile(r"""'(?:[^']|'')*'|"(?:[^"\\]|\\.)*"|[^,'"][^,]*""")
_DOUBLE_BODY_RE = re.compile(
    r'"((?:[^"\\]|\\(?:[0abtnvfre"\\NLP]|x[0-9A-F]{2}|u[0-9A-F]{4}|U[0-9A-F]{8}))*)"\Z'
)
_UNESCAPE_RE = re.compile(r"\\(?:x([0-9A-F]{2})|u([0-9A-F]{4})|U([0-9A-F]{8})|(.))")
_UNESCAPES = {v[1]: k for k, v in _ESCAPES.items()}
# First characters of a value that is not plain text: quotes, blocks, flow collections, and
# what may be null, a bool or a number
_NOT_TEXT = frozenset("|['\"{") | _RESOLVER_FIRST | {""}
_LITERAL_RE = re.compile(r"\|(2)?([-+])?\Z")
_INT_RE = re.compile(r"-?(?:0|[1-9][0-9]*)\Z")
_SPECIAL_FLOATS = {".inf": float("inf"), "-.inf": float("-inf"), ".nan": float("nan")}


def _unescape(m: re.Match[str]) -> str:
    hexa = m.group(1) or m.group(2) or m.group(3)
    if not hexa:
        return _UNESCAPES[m.group(4)]
    code = int(hexa, 16)
    if code > 0x10FFFF:
        raise Unsupported("an escape beyond Unicode")
    return chr(code)


def _written(v: str, flow: bool) -> str | None:
    """How `dump` writes the string `v` on the line of its key (None: as a literal block)."""
    if "\n" not in v:
        return _one_line(v, flow)
    if not flow and _literal_ok(v):
        return None
    return _double(v)


class _Reader:
    """Reads the YAML `dump` writes; `Unsupported` at anything else (see the module doc)."""

    def __init__(self, text: str) -> None:
        # tabs, CR, controls, a BOM: never in what `dump` writes (it escapes them)
        if not text.endswith("\n") or _DOUBLE_RE.search(text):
            raise Unsupported("characters dump never writes")
        lines = text.split("\n")
        lines.pop()
        if lines and lines[-1] == "...":
            lines.pop()
        self.lines = lines
        self.i = 0
        self.keys: set[str] = set()

    def document(self) -> dict[str, Any]:
        if not self.lines or not self.lines[0][:1].strip():
            raise Unsupported("not a mapping at the top level")
        d = self.mapping(0, None)
        if self.i != len(self.lines):
            raise Unsupported(f"line {self.i + 1}")
        return d

    def key(self, k: str, colon: int) -> None:
        """Check a mapping key seen for the first time: a plain word."""
        if colon < 0 or not _KEY_RE.match(k) or not _resolves_to_str(k):
            raise Unsupported(f"line {self.i}: not a `key: value` line")
        self.keys.add(k)

    def mapping(self, indent: int, first: str | None) -> dict[str, Any]:
        """A block mapping whose keys sit at column `indent`; `first` is its first entry when
        that came after a sequence's ``- ``."""
        lines = self.lines
        pad = " " * indent
        d: dict[str, Any] = {}
        while True:
            if first is not None:
                body, first = first, None
            else:
                if self.i >= len(lines):
                    break
                line = lines[self.i]
                if not line.startswith(pad):
                    break
                body = line[indent:]
                if body[:1] in (" ", "-", ""):
                    if body.startswith("- ") or not body:
                        break  # the parent's (or an error: the parent decides)
                    raise Unsupported(f"line {self.i + 1}: indentation")
                self.i += 1
            colon = body.find(":")
            k = body[:colon]
            if colon < 0 or k not in self.keys:
                self.key(k, colon)
            if k in d:
                raise Unsupported(f"line {self.i}: a repeated key")
            rest = body[colon + 1 :]
            if rest[:1] == " ":
                tok = rest[1:]
                if tok[:1] not in _NOT_TEXT and not _block_plain_bad(tok):
                    d[k] = tok  # the usual case: text written plain (see `plain`)
                else:
                    d[k] = self.inline(tok, indent, False)
            elif rest:
                raise Unsupported(f"line {self.i}: not a `key: value` line")
            elif self.i < len(lines) and lines[self.i].startswith(pad + "- "):
                d[k] = self.sequence(indent, None)
            elif (
                self.i < len(lines)
                and lines[self.i].startswith(pad + "  ")
                and lines[self.i][indent + 2 : indent + 3].strip()
            ):
                d[k] = self.mapping(indent + 2, None)
            else:
                raise Unsupported(f"line {self.i}: a key without a value")
        if not d:
            raise Unsupported(f"line {self.i + 1}: not a `key: value` line")
        return d

    def sequence(self, indent: int, first: str | None) -> list[Any]:
        """A block sequence whose dashes sit at column `indent`."""
        lines = self.lines
        dash = " " * indent + "- "
        out: list[Any] = []
        while True:
            if first is not None:
                rest, first = first, None
            else:
                if self.i >= len(lines) or not lines[self.i].startswith(dash):
                    break
                rest = lines[self.i][indent + 2 :]
                self.i += 1
            if rest.startswith("- "):
                out.append(self.sequence(indent + 2, rest[2:]))
                continue
            colon = rest.find(":")
            if colon > 0 and rest[colon + 1 : colon + 2] in (" ", "") and _KEY_RE.match(rest[:colon]):
                out.append(self.mapping(indent + 2, rest))
            else:
                out.append(self.inline(rest, indent, False))
        return out

    def inline(self, tok: str, indent: int, flow: bool) -> Any:
        """The value written after ``key: `` or ``- `` (a literal block reads its lines too)."""
        c = tok[:1]
        if c == "|" and not flow:
            return self.literal(tok, indent)
        if c == "[" and not flow:
            return self.flow(tok)
        if tok == "{}" and not flow:
            return {}
        if c == "'":
            v = tok[1:-1].replace("''", "'")
        elif c == '"':
            m = _DOUBLE_BODY_RE.match(tok)
            if m is None:
                raise Unsupported(f"line {self.i}: a double-quoted scalar")
            v = _UNESCAPE_RE.sub(_unescape, m.group(1))
        else:
            return self.plain(tok, flow)
        if len(tok) < 2 or _written(v, flow) != tok:
            raise Unsupported(f"line {self.i}: a quoted scalar dump writes otherwise")
        return v

    def plain(self, tok: str, flow: bool) -> Any:
        if tok and tok[0] in _RESOLVER_FIRST:
            tag = next((t for t, regexp in _RESOLVERS[tok[0]] if regexp.match(tok)), None)
            if tag is not None:
                if tag == "tag:yaml.org,2002:int" and _INT_RE.match(tok):
                    return int(tok)
                if tag == "tag:yaml.org,2002:null" and tok == "null":
                    return None
                if tag == "tag:yaml.org,2002:bool" and tok in ("true", "false"):
                    return tok == "true"
                if tag == _FLOAT_TAG:
                    try:
                        v = _SPECIAL_FLOATS[tok] if tok in _SPECIAL_FLOATS else float(tok)
                    except ValueError:
                        v = None
                    if v is not None and _float(v) == tok:
                        return v
                raise Unsupported(f"line {self.i}: {tok!r} written otherwise by dump")
        # `_one_line` less what the whole text was checked for (`_DOUBLE_RE`)
        if not tok or _block_plain_bad(tok) or (flow and _FLOW_INDICATOR_RE.search(tok)):
            raise Unsupported(f"line {self.i}: a plain scalar dump writes otherwise")
        return tok

    def flow(self, tok: str) -> list[Any]:
        if not tok.endswith("]"):
            raise Unsupported(f"line {self.i}: a flow sequence on several lines")
        inner = tok[1:-1]
        out: list[Any] = []
        at = 0
        while at < len(inner):
            m = _FLOW_ITEM_RE.match(inner, at)
            if m is None:
                raise Unsupported(f"line {self.i}: a flow sequence")
            out.append(self.inline(m.group(), 0, True))
            at = m.end()
            if at < len(inner):
                if not inner.startswith(", ", at) or at + 2 == len(inner):
                    raise Unsupported(f"line {self.i}: a flow sequence")
                at += 2
        return out

    def literal(self, tok: str, indent: int) -> str:
        m = _LITERAL_RE.match(tok)
        if m is None:
            raise Unsupported(f"line {self.i}: a block scalar header")
        lines = self.lines
        pad = " " * (indent + 2)
        body: list[str] = []
        while self.i < len(lines):
            line = lines[self.i]
            if line.startswith(pad):
                body.append(line[indent + 2 :])
            elif line:
                break
            else:
                body.append("")
            self.i += 1
        chomp = m.group(2)
        if chomp == "+":
            v = "".join(x + "\n" for x in body)
        else:
            v = "\n".join(body).rstrip("\n")
            if chomp is None and v:
                v += "\n"
        if (
            not v
            or _written(v, False) is not None
            or bool(m.group(1)) != (v[0] in " \n")
            or (chomp or "") != _chomping(v)
        ):
            raise Unsupported(f"line {self.i}: a literal block dump writes otherwise")
        return v


def load(text: str) -> dict[str, Any]:
    """The data of YAML that `dump` wrote (see the module doc); `Unsupported` for other YAML."""
    return _Reader(text).document()
