"""One error family for the whole library; the CLI turns it into `Error: ...` and an exit code."""

from __future__ import annotations

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class QuizgenError(Exception):
    """Base of every error quizgen raises on purpose.

    `message` says what failed, `where` says where (``file:line`` or a field path) and
    `hint` says how to fix it. The CLI prints ``Error: where: message`` then the hint.
    """

    exit_code = EXIT_DATA

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None) -> None:
        self.message = message
        self.where = where
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        from quizgen.i18n import _

        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text += "\n  " + _("Hint: {hint}").format(hint=self.hint)
        return text


class UsageError(QuizgenError):
    """The command line asked for something impossible (bad option value, missing file)."""

    exit_code = EXIT_USAGE


class InputError(QuizgenError):
    """An input file cannot be read: missing, undecodable, wrong format."""


class ParseError(QuizgenError):
    """Notes text that fits no known layout, or is broken inside one."""


class BankError(QuizgenError):
    """A bank file that does not validate."""


class ItemsError(QuizgenError):
    """An items file that does not validate, or items that cannot be generated."""


class GradeError(QuizgenError):
    """Grading inputs or models that cannot be used."""


class ModelUnavailableError(GradeError):
    """An embedding model that is not installed or not cached locally."""


class ExportError(QuizgenError):
    """An export that cannot be written (missing font, bad format)."""


class SessionError(QuizgenError):
    """Quiz progress store problems."""
