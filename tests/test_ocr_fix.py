"""OCR-error correction on passages written for the tests (other plans, other campaigns), not the samples."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.stages.normalize import NormalizeOptions, normalize_text

from .conftest import ROOT


@pytest.mark.parametrize(
    ("raw", "fixed"),
    [
        # a wrong mark that makes another real syllable: the lexicon's word decides
        (
            "Sở Y tế chỉ đạo đầy mạnh công tác tiêm chủng mở rộng.",
            "Sở Y tế chỉ đạo đẩy mạnh công tác tiêm chủng mở rộng.",
        ),
        ("- Cùng cố, kiện toàn Ban Chỉ đạo xã.", "- Củng cố, kiện toàn Ban Chỉ đạo xã."),
        # the document's own repeated phrase decides
        (
            "xây dựng nông thôn mới; thực hiện nông thôn mới tại các xã; nông thồn mới",
            "xây dựng nông thôn mới; thực hiện nông thôn mới tại các xã; nông thôn mới",
        ),
        (
            "vận động hiến máu tình nguyện; HIỆN MÁU TÌNH NGUYỆN NĂM 2024",
            "vận động hiến máu tình nguyện; HIẾN MÁU TÌNH NGUYỆN NĂM 2024",
        ),
        # a token that cannot be a syllable: a known OCR confusion of shapes (`rn` for `m`, `I` for `l`)
        (
            "hiến rnáu tình nguyện; hiến máu tình nguyện; hiến máu",
            "hiến máu tình nguyện; hiến máu tình nguyện; hiến máu",
        ),
        ("Iàm việc với các cơ quan", "Làm việc với các cơ quan"),
        # an abbreviation stands for its expansion: `Công TTĐT` is `Cổng thông tin điện tử`
        ("Cổng thông tin điện tử tỉnh; Công TTĐT tỉnh", "Cổng thông tin điện tử tỉnh; Cổng TTĐT tỉnh"),
    ],
)
def test_wrong_marks_are_fixed(raw: str, fixed: str) -> None:
    result = normalize_text(raw)
    assert result.text == fixed
    assert all(f.rule.startswith(("ocr.", "unicode.tone_placement")) for f in result.fixes)


@pytest.mark.parametrize(
    "text",
    [
        "Ông Nguyễn Văn Tăng, đường Lê Lợi, huyện Tiên Du.",  # names are left alone
        "Năm 2024 tổ chức 10 đợt tiêm, mỗi đợt 3 ngày.",
        "Trường THCS Tân Lập, xã Quảng Phú; UBND huyện Cư M'gar.",
        "Kinh phí: 1.250.000.000 đồng từ ngân sách nhà nước.",
    ],
)
def test_right_text_is_left_alone(text: str) -> None:
    assert normalize_text(text).text == text


def test_no_correct_turns_it_off() -> None:
    assert normalize_text("chỉ đạo đầy mạnh", NormalizeOptions(correct=False)).text == "chỉ đạo đầy mạnh"


def test_fix_is_logged_with_raw_offsets() -> None:
    result = normalize_text("chỉ đạo đầy mạnh")
    (fix,) = result.fixes
    assert (fix.start, fix.end, fix.original, fix.corrected, fix.rule) == (8, 11, "đầy", "đẩy", "ocr.context_marks.v1")


def test_committed_lexicon_is_what_the_script_builds(tmp_path: Path) -> None:
    built = tmp_path / "lexicon.json.gz"
    script = ROOT / "scripts" / "build_lexicon.py"
    subprocess.run([sys.executable, str(script), "--out", str(built)], check=True, capture_output=True)
    committed = ROOT / "pipeline" / "data" / "lexicon.json.gz"
    assert json.loads(gzip.decompress(built.read_bytes())) == json.loads(gzip.decompress(committed.read_bytes()))
