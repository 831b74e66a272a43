"""Validate: a result against schemas/plan.schema.json (JSON Schema 2020-12); failures name their JSON paths."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator

from pipeline.errors import InvalidOutput

SCHEMA_VERSION = "1.0.0"


@lru_cache(maxsize=1)
def plan_validator() -> Draft202012Validator:
    schema = json.loads((resources.files("pipeline") / "schemas" / "plan.schema.json").read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def schema_errors(result: Any) -> list[str]:
    """`[path] message` for every way the result breaks the schema (empty when it is valid)."""
    errors = sorted(plan_validator().iter_errors(result), key=lambda e: list(e.absolute_path))
    return [f"[{e.json_path}] {e.message}" for e in errors]


def validate(result: dict[str, Any], *, path: str | None = None) -> dict[str, Any]:
    """Return the result unchanged if it is valid; raise InvalidOutput listing the failing paths otherwise."""
    errors = schema_errors(result)
    if errors:
        shown = "; ".join(errors[:3]) + (f" (and {len(errors) - 3} more)" if len(errors) > 3 else "")
        raise InvalidOutput(f"result does not match the plan schema: {shown}", errors, path=path)
    return result
