"""Bytes -> clean text: encodings (UTF-8 with or without BOM, UTF-16/32 with BOM, GB18030/GBK
detected), line ends, and control characters removed with a note of where they were."""

from __future__ import annotations

import codecs
import re

from quizgen.errors import InputError, UsageError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: FF FE 00 00 starts with FF FE
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes, *, encoding: str | None = None, where: str = "<input>") -> str:
    """Bytes -> text: UTF-8 (BOM or not), UTF-16/32 with BOM, else GB18030 (which covers GBK
    and GB2312) when the result reads as text; or the forced `encoding`. Undecodable input
    raises `InputError` naming the byte offset; an unknown encoding name a `UsageError`."""
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise UsageError(
                f"unknown encoding {encoding!r}", hint="use e.g. utf-8, utf-16, gb18030, gbk, big5"
            ) from None
        return _strict(data, encoding, where, hint="check the file's encoding; --encoding forces it")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return _strict(
                data, enc, where, hint="the file starts with a byte-order mark but is damaged; re-save it"
            )
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(
            f"NUL byte at byte offset {nul}: a binary file, or UTF-16 without a byte-order mark",
            where=where,
            hint="give a text file; for UTF-16 without BOM pass --encoding utf-16-le (or utf-16-be)",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as utf8_err:
        bad = utf8_err.start
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as gb_err:
            raise InputError(
                f"cannot decode: invalid UTF-8 (byte 0x{data[bad]:02x} at byte offset {bad}, line "
                f"{_line_at(data, bad)}) and invalid GB18030 (byte offset {gb_err.start})",
                where=where,
                hint="convert the file to UTF-8, or pass its encoding with --encoding",
            ) from None
        if _looks_like_text(text):
            return text
        raise InputError(
            f"cannot decode: invalid UTF-8 (byte 0x{data[bad]:02x} at byte offset {bad}, line "
            f"{_line_at(data, bad)}), and as GB18030 it is not readable text",
            where=where,
            hint="convert the file to UTF-8, or pass its encoding with --encoding",
        ) from None


def _strict(data: bytes, enc: str, where: str, hint: str) -> str:
    try:
        return data.decode(enc)
    except UnicodeDecodeError as e:
        name = codecs.lookup(enc).name
        line = "" if name.startswith(("utf-16", "utf-32")) else f", line {_line_at(data, e.start)}"
        raise InputError(
            f"cannot decode as {name}: invalid byte 0x{data[e.start]:02x} at byte offset {e.start}{line}",
            where=where,
            hint=hint,
        ) from None


def _line_at(data: bytes, offset: int) -> int:
    """1-based line of a byte offset in an ASCII-compatible encoding (UTF-8, GB18030)."""
    return data.count(b"\n", 0, offset) + 1


def _looks_like_text(text: str) -> bool:
    """GB18030 decodes most byte soups; real Chinese text has few control, private-use or
    rare-plane characters."""
    if not text:
        return True
    bad = sum(
        1
        for ch in text
        if (ord(ch) < 32 and ch not in "\n\r\t")
        or 0xE000 <= ord(ch) <= 0xF8FF
        or 0x80 <= ord(ch) <= 0x9F
        or ord(ch) > 0xFFFF
    )
    return bad / len(text) < 0.01


# C0/C1 controls except tab and newline; lone surrogates (only from str input).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]")


def clean_text(text: str) -> tuple[str, list[tuple[int, str]]]:
    """BOM, CRLF/CR and Unicode line separators -> ``\\n``; control characters removed.
    Returns the text and (line, message) notes for what was removed."""
    text = text.lstrip("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    for sep in ("\x85", "\u2028", "\u2029"):
        if sep in text:
            text = text.replace(sep, "\n")
    notes: list[tuple[int, str]] = []
    if _CONTROL_RE.search(text):
        found: dict[int, list[str]] = {}
        for m in _CONTROL_RE.finditer(text):
            ln = text.count("\n", 0, m.start()) + 1
            found.setdefault(ln, []).append(f"U+{ord(m.group()):04X}")
            if len(found) > 50:
                break
        text = _CONTROL_RE.sub("", text)
        for ln, chars in found.items():
            notes.append(
                (
                    ln,
                    f"removed control character{'s' if len(chars) > 1 else ''} "
                    + ", ".join(sorted(set(chars))),
                )
            )
    return text, notes
