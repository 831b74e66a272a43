from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.errors import InvalidOutput, NotAResult
from pipeline.plan import SCHEMA_VERSION, Plan, schema_text
from pipeline.stages.validate import schema_errors, validate
from pipeline.stages.write import dumps, write_result
from pipeline.tools.results import load_plan

from .conftest import ROOT, SAMPLES, extracted, extracted_plan

LAO_CAI = SAMPLES / "000_475196faf128e58a.txt"


def test_the_committed_schema_is_the_one_the_model_gives() -> None:
    committed = (ROOT / "schemas" / "plan.schema.json").read_text("utf-8")
    assert committed == schema_text(), "run: python -m pipeline.plan > schemas/plan.schema.json"


def test_schema_has_versioned_id() -> None:
    from pipeline.stages.validate import plan_schema

    assert f"/{SCHEMA_VERSION}/" in plan_schema()["$id"]
    assert SCHEMA_VERSION == "2.0.0"
    assert schema_errors({}) != []


def test_a_written_result_reads_back_as_the_same_plan(tmp_path: Path) -> None:
    plan = extracted_plan(LAO_CAI)
    out = write_result(plan, tmp_path, "plan")
    assert load_plan(out) == plan
    assert schema_errors(json.loads(out.read_text("utf-8"))) == []


@pytest.mark.parametrize(
    ("where", "change"),
    [
        ("targets", lambda r: r["targets"][0].update(perod=r["targets"][0].pop("period"))),  # a renamed field
        ("events", lambda r: r["events"][0].update(colour="red")),  # an unknown field
        ("document", lambda r: r["document"].update(number_of_pages=3)),
        ("responsible_bodies", lambda r: r["responsible_bodies"][0]["tasks"][0].update(owner="x")),
    ],
)
def test_unknown_or_renamed_fields_fail_validation(where: str, change: object, tmp_path: Path) -> None:
    result = extracted(LAO_CAI)
    change(result)  # type: ignore[operator]
    errors = schema_errors(result)
    assert any(e.startswith(f"[$.{where}") for e in errors), errors
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(result, ensure_ascii=False), "utf-8")
    with pytest.raises(NotAResult, match="is not a vnplan result"):
        load_plan(path)


def test_invalid_result_is_refused_with_paths() -> None:
    plan = extracted_plan(LAO_CAI)
    broken = plan.model_copy(update={"targets": [{"value": "many"}]})  # model_copy does not validate
    with pytest.warns(UserWarning), pytest.raises(InvalidOutput) as info:
        validate(broken)
    assert any(e.startswith("[$.targets[0]") for e in info.value.errors)
    assert "$.targets[0]" in info.value.message


def test_a_result_of_an_older_schema_says_to_extract_again(tmp_path: Path) -> None:
    old = extracted(LAO_CAI) | {"schema_version": "1.0.0"}
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old, ensure_ascii=False), "utf-8")
    with pytest.raises(NotAResult, match=r"plan schema 1\.0\.0; this vnplan reads 2\.0\.0"):
        load_plan(path)


def test_write_is_atomic_and_stays_in_its_folder(tmp_path: Path) -> None:
    plan = extracted_plan(LAO_CAI)
    out = write_result(plan, tmp_path, "../../escape")
    assert out == tmp_path / "escape.json"
    assert [p.name for p in tmp_path.iterdir()] == ["escape.json"]  # no temporary file left behind
    text = out.read_text("utf-8")
    assert text == dumps(plan)
    assert '"doc_type": "Kế hoạch"' in text  # UTF-8 as it is, no \\u escapes
    assert Plan.model_validate_json(text) == plan
