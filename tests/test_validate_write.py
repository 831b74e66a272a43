from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import InvalidOutput
from pipeline.stages.validate import schema_errors, validate
from pipeline.stages.write import write_result

from .conftest import SAMPLES, extracted


def test_invalid_result_is_refused_with_paths() -> None:
    result = dict(extracted(SAMPLES / "000_475196faf128e58a.txt"))
    result["targets"] = [{"value": "many"}]
    with pytest.raises(InvalidOutput) as info:
        validate(result)
    assert any(e.startswith("[$.targets[0]") for e in info.value.errors)
    assert "$.targets[0]" in info.value.message


def test_schema_has_versioned_id() -> None:
    from pipeline.stages.validate import plan_validator

    assert "/1.0.0/" in plan_validator().schema["$id"]
    assert schema_errors({}) != []


def test_write_is_atomic_and_stays_in_its_folder(tmp_path: Path) -> None:
    out = write_result({"a": "Kế hoạch"}, tmp_path, "../../escape")
    assert out == tmp_path / "escape.json"
    assert [p.name for p in tmp_path.iterdir()] == ["escape.json"]  # no temporary file left behind
    assert out.read_text("utf-8") == '{\n  "a": "Kế hoạch"\n}\n'
