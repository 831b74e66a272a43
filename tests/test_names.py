"""Result names: one per input, the same in extract and batch, never two inputs on one name, never hidden, never
longer than a file system allows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.tools.batch import output_stem
from pipeline.tools.names import MAX_NAME_BYTES, output_names


def names(*rels: str) -> dict[str, str]:
    return output_names({rel: rel for rel in rels})


def test_a_name_is_the_path_under_the_input_folder_without_its_suffix() -> None:
    assert names("lao-cai.pdf", "2021/thai-nguyen.txt") == {"lao-cai.pdf": "lao-cai",
                                                            "2021/thai-nguyen.txt": "2021__thai-nguyen"}  # fmt: skip
    root = Path("/data/plans")
    assert output_stem(root, root / "2021" / "lao-cai.pdf") == "2021__lao-cai"


def test_inputs_sharing_a_stem_keep_their_suffix() -> None:
    assert names("plan.txt", "plan.md", "other.pdf") == {"plan.txt": "plan.txt", "plan.md": "plan.md",
                                                         "other.pdf": "other"}  # fmt: skip


def test_case_only_differences_clash_as_on_a_shared_drive() -> None:
    assert names("Plan.pdf", "plan.txt") == {"Plan.pdf": "Plan.pdf", "plan.txt": "plan.txt"}


@pytest.mark.parametrize(
    "rels",
    [
        ("a/b.txt", "a__b.txt"),  # a folder joined with __ meets a file named with __
        ("x.txt", "x.md", "x.txt.md"),  # x.txt's full name is x.txt.md's stem
        ("a/plan.txt", "b/plan.txt", "a__plan.txt"),
    ],
)
def test_names_that_still_clash_get_a_tag_of_their_own_path(rels: tuple[str, ...]) -> None:
    got = names(*rels)
    assert len({n.casefold() for n in got.values()}) == len(rels)
    assert names(*reversed(rels)) == got  # the order inputs come in does not matter


def test_a_name_made_to_look_tagged_still_gets_its_own() -> None:
    first = names("plan.txt", "plan.md", "plan.txt.md")
    decoy = first["plan.txt"] + ".txt"  # a file named like plan.txt's tagged name
    got = names("plan.txt", "plan.md", "plan.txt.md", decoy)
    assert len({n.casefold() for n in got.values()}) == 4


def test_the_manifest_name_is_the_batchs_own() -> None:
    assert names("manifest.txt") == {"manifest.txt": "manifest.txt"}
    assert names("Manifest.md", "x.txt")["Manifest.md"] == "Manifest.md"


@pytest.mark.parametrize(("rel", "name"), [("..txt", "_."), ("...txt", "_.."), (".hidden.pdf", "_.hidden")])
def test_names_of_dots_are_never_hidden_nor_a_folder(rel: str, name: str) -> None:
    assert names(rel) == {rel: name}


def test_long_names_are_cut_at_a_character_and_tagged() -> None:
    deep = "/".join(["Kế hoạch phòng chống dịch bệnh năm 2021"] * 8) + "/Kế hoạch số 33.pdf"
    other = deep.replace("số 33", "số 34")
    got = names(deep, other)
    for name in got.values():
        assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
        assert re.fullmatch(r".+~[0-9a-f]{8}", name)
        name.encode("utf-8").decode("utf-8")  # no character cut in half
    assert got[deep] != got[other]
    assert len((got[deep] + ".json").encode()) + len(".x.12345678.tmp") < 255
