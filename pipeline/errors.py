"""One exception hierarchy and one exit-code enum: each error class has a stable `code`, the exit code it ends a
command with, and a message a person can act on.

The library raises these; only `tools/cli.py` turns them into exit codes and one-line messages. `ERRORS` maps every
code to its class, so a failure recorded as a code (a batch worker's, say) ends the command like the error itself.
"""

from __future__ import annotations

from enum import IntEnum
from typing import ClassVar


class ExitCode(IntEnum):
    """What a `vnplan` command's exit status means; a command that meets several failures exits with the highest."""

    OK = 0
    INTERNAL = 1  # a defect of vnplan: please report it with the --debug output
    BAD_INPUT = 2  # an input (file, folder, option value, profile, result) that cannot be used as given
    SETUP = 3  # something vnplan needs is missing or unreachable: Tesseract, its model, a cluster, a database
    INVALID_OUTPUT = 4  # a result that does not satisfy the plan schema
    REQUIREMENTS_MISSING = 5  # `audit --fail-on missing`: a mandatory requirement is not stated
    WRITE_FAILED = 6  # an output could not be written (disk full, read-only, not a regular file)
    INTERRUPTED = 130  # Ctrl-C: what was written is complete


class VnplanError(Exception):
    """Base of every error vnplan raises on purpose."""

    code: ClassVar[str] = "error"
    exit_code: ClassVar[ExitCode] = ExitCode.INTERNAL

    def __init__(self, message: str, *, path: str | None = None, stage: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.stage = stage  # the stage it happened in, set by the stage runner

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class InternalError(VnplanError):
    """A defect of ours, caught where a stage ran so the batch can record it and go on."""

    code = "internal"


class WorkerCrashed(VnplanError):
    """A batch worker process died (a crash in native code, or killed) while reading one document."""

    code = "crashed"


class InputError(VnplanError):
    """The input cannot be read as a document: bad input, as distinct from a defect of ours."""

    code = "input_error"
    exit_code = ExitCode.BAD_INPUT


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


class OutsideInput(InputError):
    """A batch input that is a link to somewhere outside the input folder."""

    code = "outside_input"


class NotAResult(InputError):
    """A file given to audit, review, export or validate that is not a vnplan result."""

    code = "not_a_result"


class SourceChanged(InputError):
    """The document a result was read from has changed since (its SHA-256 differs)."""

    code = "source_changed"


class ProfileError(InputError):
    code = "bad_profile"


class BatchLocked(InputError):
    """Another batch is writing into the same output folder."""

    code = "locked"


class UsageError(InputError):
    """A command given what it cannot work with (an empty folder, a file where a folder is needed…)."""

    code = "usage"


class OcrUnavailable(VnplanError):
    """Tesseract or its language model is missing: a set-up problem, not a bad input."""

    code = "ocr_unavailable"
    exit_code = ExitCode.SETUP


class OcrFailed(VnplanError):
    code = "ocr_failed"
    exit_code = ExitCode.SETUP


class ExecutorUnavailable(VnplanError):
    """The dask scheduler given to `batch --executor dask` cannot be reached (or dask is not installed)."""

    code = "executor_unavailable"
    exit_code = ExitCode.SETUP


class MissingExtra(VnplanError):
    """A command needs an optional part of vnplan that is not installed (`pip install 'vnplan[…]'`)."""

    code = "missing_extra"
    exit_code = ExitCode.SETUP


class DatabaseError(VnplanError):
    code = "database"
    exit_code = ExitCode.SETUP


class InvalidOutput(VnplanError):
    """The result does not satisfy the plan schema; `errors` lists `[path] message` lines."""

    code = "invalid_output"
    exit_code = ExitCode.INVALID_OUTPUT

    def __init__(self, message: str, errors: list[str], *, path: str | None = None) -> None:
        super().__init__(message, path=path)
        self.errors = errors


class WriteFailed(VnplanError):
    """An output could not be written; the message carries the operating system's reason."""

    code = "write_failed"
    exit_code = ExitCode.WRITE_FAILED


def _all(cls: type[VnplanError]) -> list[type[VnplanError]]:
    return [cls] + [c for sub in cls.__subclasses__() for c in _all(sub)]


ERRORS: dict[str, type[VnplanError]] = {cls.code: cls for cls in _all(VnplanError) if cls is not VnplanError}
"""Every error code vnplan reports, with its class."""


def exit_code_of(code: str) -> ExitCode:
    """The exit code a recorded error code ends a command with (a code we do not know is a defect of ours)."""
    cls = ERRORS.get(code)
    return cls.exit_code if cls else ExitCode.INTERNAL
