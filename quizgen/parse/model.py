"""What a parse returns: the bank, the warnings, and how the file was read."""

from __future__ import annotations

from dataclasses import dataclass, field

from quizgen.bank import Bank

FLAG_NO_ANSWER = "no_answer"
FLAG_ANSWER_UNMARKED = "answer_unmarked"


@dataclass(frozen=True)
class ParseWarning:
    """A problem worth telling the user about that did not stop the parse."""

    where: str  # file:line or file:start-end
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class Span:
    """A line range of the notes and what the parser read it as (for ``--explain``)."""

    start: int
    end: int
    role: str  # question, answer, prompt, group, context, options, key, skipped, ...
    detail: str = ""


@dataclass
class ParseResult:
    bank: Bank
    warnings: list[ParseWarning] = field(default_factory=list)
    # The cues the questions were found by, e.g. "heading+labels" or "list, blockquote".
    layout: str = ""
    spans: list[Span] = field(default_factory=list)
