"""Validate: a plan against schemas/plan.schema.json (JSON Schema 2020-12, generated from the plan model); failures
name their JSON paths. The model checks each record as it is built; this is the check of the whole contract, on
the JSON that will be written.

The check is jsonschema-rs's compiled 2020-12 validator, built once per process: the same schema and the same
verdict as the pure-Python `jsonschema` (both pass the JSON-Schema-Test-Suite), at about a five-hundredth of the time
(measured on the real text-layer PDFs: 0.19 s for 8 results against 0.5 ms), which was a sixth of a text-layer
page's whole time."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

import jsonschema_rs

from pipeline.errors import InvalidOutput
from pipeline.plan import Plan


@lru_cache(maxsize=1)
def plan_schema() -> dict[str, Any]:
    text = (resources.files("pipeline") / "schemas" / "plan.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@lru_cache(maxsize=1)
def plan_validator() -> jsonschema_rs.Draft202012Validator:
    """The plan schema's validator, compiled once (a schema that is not valid 2020-12 fails here)."""
    return jsonschema_rs.Draft202012Validator(plan_schema())


def json_path(path: list[str | int]) -> str:
    """`$.targets[0].value` for the instance path ["targets", 0, "value"]."""
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


def schema_errors(result: Any) -> list[str]:
    """`[path] message` for every way a result (as JSON data) breaks the schema (empty when it is valid)."""
    validator = plan_validator()
    if validator.is_valid(result):
        return []
    errors = sorted(validator.iter_errors(result), key=lambda e: [_order(p) for p in e.instance_path])
    return [f"[{json_path(list(e.instance_path))}] {e.message}" for e in errors]


def _order(part: str | int) -> tuple[int, str]:
    """Array indexes in number order, before names."""
    return (0, f"{part:012d}") if isinstance(part, int) else (1, part)


def validate(plan: Plan, *, path: str | None = None) -> Plan:
    """Return the plan unchanged if its JSON is valid; raise InvalidOutput listing the failing paths otherwise."""
    errors = schema_errors(plan.model_dump(mode="json"))
    if errors:
        shown = "; ".join(errors[:3]) + (f" (and {len(errors) - 3} more)" if len(errors) > 3 else "")
        raise InvalidOutput(f"result does not match the plan schema: {shown}", errors, path=path)
    return plan
