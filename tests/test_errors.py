"""One error map: every error class in errors.py, one ExitCode enum, the README's table checked against them."""

from __future__ import annotations

import ast
import re

from pipeline.errors import ERRORS, ExitCode, InputError, VnplanError, exit_code_of

from .conftest import ROOT


def test_every_error_class_lives_in_errors_py() -> None:
    ours = {cls.__name__ for cls in ERRORS.values()} | {"VnplanError", "Exception", "BaseException", "RuntimeError"}
    outside = []
    for path in (ROOT / "pipeline").rglob("*.py"):
        if path.name == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ClassDef) and any(isinstance(b, ast.Name) and b.id in ours for b in node.bases):
                outside.append(f"{path.relative_to(ROOT)}: {node.name}")
    assert outside == []


def test_codes_are_unique_and_exit_codes_are_the_enum() -> None:
    classes = [cls for cls in ERRORS.values()]
    assert len({cls.code for cls in classes}) == len(classes)
    assert all(isinstance(cls.exit_code, ExitCode) for cls in classes)
    assert all(cls.exit_code == ExitCode.BAD_INPUT for cls in classes if issubclass(cls, InputError))
    assert exit_code_of("not_pdf") == ExitCode.BAD_INPUT
    assert exit_code_of("no such code") == ExitCode.INTERNAL
    assert "error" not in ERRORS and issubclass(ERRORS["timeout"], VnplanError)


def readme_table() -> dict[str, int]:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("### Errors and exit codes", 1)[1].split("\n#", 1)[0]
    table: dict[str, int] = {}
    for row in re.findall(r"^\| (`.+?`) \|.*\| (\d+) \|$", section, re.MULTILINE):
        for code in re.findall(r"`([a-z_]+)`", row[0]):
            table[code] = int(row[1])
    return table


def test_the_readme_lists_every_code_with_its_exit_code() -> None:
    assert readme_table() == {code: int(cls.exit_code) for code, cls in ERRORS.items()}
