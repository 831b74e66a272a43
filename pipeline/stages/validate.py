"""Validate: a plan against schemas/plan.schema.json (JSON Schema 2020-12, generated from the plan model); failures
name their JSON paths. The model checks each record as it is built; this is the check of the whole contract, on
the JSON that will be written."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator

from pipeline.errors import InvalidOutput
from pipeline.plan import Plan


@lru_cache(maxsize=1)
def plan_validator() -> Draft202012Validator:
    schema = json.loads((resources.files("pipeline") / "schemas" / "plan.schema.json").read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def schema_errors(result: Any) -> list[str]:
    """`[path] message` for every way a result (as JSON data) breaks the schema (empty when it is valid)."""
    errors = sorted(plan_validator().iter_errors(result), key=lambda e: list(e.absolute_path))
    return [f"[{e.json_path}] {e.message}" for e in errors]


def validate(plan: Plan, *, path: str | None = None) -> Plan:
    """Return the plan unchanged if its JSON is valid; raise InvalidOutput listing the failing paths otherwise."""
    errors = schema_errors(plan.model_dump(mode="json"))
    if errors:
        shown = "; ".join(errors[:3]) + (f" (and {len(errors) - 3} more)" if len(errors) > 3 else "")
        raise InvalidOutput(f"result does not match the plan schema: {shown}", errors, path=path)
    return plan
