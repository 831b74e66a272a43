"""One exception hierarchy: each class has a stable `code` and a message a person can act on.

The library raises these; only `cli.py` turns them into exit codes and one-line messages.
"""

from __future__ import annotations


class VnplanError(Exception):
    """Base of every error vnplan raises on purpose."""

    code = "error"
    exit_code = 1

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class InputError(VnplanError):
    """The input cannot be read as a plan: bad input, as distinct from a defect of ours."""

    code = "input_error"
    exit_code = 2


class NotFound(InputError):
    code = "not_found"


class UnsupportedInput(InputError):
    code = "unsupported"


class NotPdf(InputError):
    code = "not_pdf"


class EncryptedPdf(InputError):
    code = "encrypted"


class CorruptFile(InputError):
    """A file of a kind vnplan reads (PDF, Word), damaged beyond reading."""

    code = "corrupt"


class CorruptPdf(CorruptFile):
    code = "corrupt"


class TooLarge(InputError):
    code = "too_large"


class NoText(InputError):
    code = "no_text"


class Timeout(InputError):
    code = "timeout"


class NotVietnamese(InputError):
    code = "not_vietnamese"


class OcrUnavailable(VnplanError):
    """Tesseract or its Vietnamese model is missing: a set-up problem, not a bad input."""

    code = "ocr_unavailable"
    exit_code = 3


class OcrFailed(VnplanError):
    code = "ocr_failed"
    exit_code = 3


class InvalidOutput(VnplanError):
    """The result does not satisfy the plan schema; `errors` lists `[path] message` lines."""

    code = "invalid_output"
    exit_code = 4

    def __init__(self, message: str, errors: list[str], *, path: str | None = None) -> None:
        super().__init__(message, path=path)
        self.errors = errors
