"""Fuzzing: the parsers, the normaliser, the structure parser and the PDF ingest on arbitrary or mutated input.

Every stage must either work or raise an InputError (bad input, reported to the user); anything else, and a
result that fails the schema, is a bug. The PDF run is bounded to about a minute; for a longer one:

    VNPLAN_FUZZ_RANDOM=1 VNPLAN_FUZZ_EXAMPLES=3000 .venv/bin/pytest tests/test_fuzz.py -k pdf

In the suite the examples are the same every run (tests/conftest.py); VNPLAN_FUZZ_RANDOM=1 draws new ones.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import InputError
from pipeline.records import RawDocument
from pipeline.runner import run_raw
from pipeline.stages.extract.quantities import find_quantities
from pipeline.stages.ingest import IngestOptions, ingest_bytes
from pipeline.stages.validate import schema_errors
from pipeline.vi.text import DOC_NUMBER_RE, clean_doc_number, parse_date, parse_number, sentence_case

from .conftest import SAMPLES

PDF_EXAMPLES = int(os.environ.get("VNPLAN_FUZZ_EXAMPLES", "200"))  # about 20 s here

# Pieces of the register, so that random text reaches the parsers' real paths and not only their first check.
FRAGMENTS = [
    "KẾ HOẠCH", "Số: 33/KH-BCĐ", "Lào Cai, ngày 29 tháng 01 năm 2021", "I. MỤC ĐÍCH, YÊU CẦU", "1.", "a)", "-", "+",
    "II.", "Nơi nhận:", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Căn cứ Quyết định số 103/QĐ-BCĐQG ngày 12/11/2020",
    "tiếp nhận", "6.000", "đơn vị máu", "trở lên", "ít nhất", "khoảng", "97,5%", "Quý II", "từ tháng 5/2021",
    "đến tháng 9/2021", "Sở Y tế", "chủ trì", "phối hợp", "UBND các huyện", "TỔNG SỐ", "\t", "|", "Tổ chức thực hiện",
    "Ban Chỉ đạo", "Ngày hội hiến máu", "“Những giọt máu hồng”", "năm 2021", "07/4/2021", "(", ")", ":", ";",
]  # fmt: skip
plan_like = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=40).map(" ".join)
plan_lines = st.lists(plan_like, max_size=30).map("\n".join)


@given(st.one_of(st.text(), plan_like))
def test_parsers_never_raise(text: str) -> None:
    number = parse_number(text)
    assert number is None or isinstance(number, float)
    found = parse_date(text)
    assert found is None or 1900 <= found.year <= 2099
    for match in DOC_NUMBER_RE.finditer(text):
        assert " " not in clean_doc_number(match.group())
    for q in find_quantities(text):
        assert 0 <= q.start <= q.end <= len(text)
    cased = sentence_case(text)
    assert cased == text if not text.isupper() else len(cased.split()) == len(text.split())


@given(st.integers(min_value=0, max_value=10**12))
def test_numbers_the_vietnamese_way(n: int) -> None:
    assert parse_number(f"{n:,}".replace(",", ".")) == n


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_dates_in_words_and_digits(d: date) -> None:
    assert parse_date(f"Hà Nội, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}") == d
    assert parse_date(f"ngày {d.day}/{d.month}/{d.year}") == d


def whole_pipeline(raw: RawDocument) -> dict[str, Any]:
    """The stages after ingest, through the runner (a defect of ours raises InternalError, not an InputError);
    the plan as the JSON that would be written."""
    return run_raw(raw).model_dump(mode="json")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan_lines)
def test_structure_and_extraction_on_any_text(text: str) -> None:
    try:
        result = whole_pipeline(ingest_bytes(text.encode("utf-8"), "fuzz.txt"))
    except InputError:
        return  # no text, not Vietnamese: a reported error, not a crash
    assert schema_errors(result) == []


SEED_PDF = (SAMPLES / "001_3e86aff22814d78e.layer.pdf").read_bytes()


Mutation = tuple[str, int, int, bytes]  # operation, where (a fraction of the file, in 1/10000), size, bytes


def mutate(ops: list[Mutation]) -> bytes:
    """Apply the mutations to the seed PDF. Drawn as a short list (not as bytes), so a failure prints small."""
    data = bytearray(SEED_PDF)
    for op, where, size, blob in ops:
        if not data:
            break
        at = where * (len(data) - 1) // 10_000
        if op == "flip":
            data[at] ^= size % 255 + 1
        elif op == "delete":
            del data[at : at + size]
        elif op == "insert":
            data[at:at] = blob
        elif op == "truncate":
            del data[max(at, 16) :]
        else:  # a chunk of the file repeated elsewhere: duplicated objects, broken xref offsets
            source = size * 37 % len(data)
            data[at:at] = data[source : source + size]
    return bytes(data)


mutations = st.lists(
    st.tuples(st.sampled_from(["flip", "delete", "insert", "truncate", "copy"]), st.integers(0, 10_000),
              st.integers(1, 2048), st.binary(min_size=1, max_size=32)),
    min_size=1, max_size=8,
)  # fmt: skip


@settings(max_examples=PDF_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutations)
def test_mutated_pdfs_fail_cleanly_or_convert(ops: list[Mutation]) -> None:
    options = IngestOptions(ocr="never", max_pages=50)
    try:
        result = whole_pipeline(ingest_bytes(mutate(ops), "mutated.pdf", options))
    except InputError as e:
        assert e.code in {"corrupt", "not_pdf", "no_text", "not_vietnamese", "too_large", "encrypted"}
        assert e.message and "\n" not in e.message
        return
    assert schema_errors(result) == []
