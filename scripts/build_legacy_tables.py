"""Build pipeline/data/legacy_encodings.json: how text in the two pre-Unicode Vietnamese encodings reads as Unicode.

Text typed with TCVN3 (ABC, `.VnTime` fonts) or VNI fonts, extracted from a PDF or saved as 8-bit text, comes out as
Latin-1 mojibake (`KÕ ho¹ch`, `Keá hoaïch` for `Kế hoạch`). The tables map that mojibake back:

- `tcvn3`: one character for one character, from glibc's own `TCVN5712-1` converter (`iconv`, on every Debian);
  each byte is keyed both as Latin-1 and as Windows-1252 (PDF text layers give either);
- `cp1258`: Windows-1258 (Vietnamese Windows) bytes read as Latin-1, from Python's own codec: an 8-bit text file
  of unknown encoding is read as Latin-1 (losslessly) and each paragraph decoded as whichever fits;
- `vni`: sequences (a base letter and the character that carries its marks), generated from VNI's regular scheme
  (a vowel is followed by one character for its tone, or for its circumflex/breve and tone together; `ô`, `ö`
  are the horned vowels, `ñ` is `đ`, and `i`/`y` have some single characters). With `--check-npm`, the table is
  compared with the `vietnamese-conversion` package of the npm registry (pinned below), which agrees except
  where it is itself wrong (it gives `ỷ`/`ỹ` the characters of `ë` and `ì`).

Run: `python scripts/build_legacy_tables.py [--check-npm]` (needs `iconv`; `npm` for the check). The output is
committed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "pipeline" / "data" / "legacy_encodings.json"
NPM_PACKAGE = "vietnamese-conversion@2.0.0"


def tcvn3_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for byte in list(range(0x01, 0x20)) + list(range(0x80, 0x100)):
        if byte in (0x09, 0x0A, 0x0D):
            continue
        done = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=bytes([byte]), capture_output=True)
        text = unicodedata.normalize("NFC", done.stdout.decode("utf-8")) if done.returncode == 0 else ""
        if not text or not all(unicodedata.category(c)[0] in "LM" for c in text):
            continue  # not a Vietnamese letter or mark in this encoding
        for name in ("latin-1", "cp1252"):
            try:
                key = bytes([byte]).decode(name)
            except UnicodeDecodeError:
                continue
            if key != text:
                table.setdefault(key, text)
    return table


TONES = ["grave", "acute", "hook", "tilde", "dot"]
_TONE_MARK = {"grave": "\u0300", "acute": "\u0301", "hook": "\u0309", "tilde": "\u0303", "dot": "\u0323"}
VNI_TONE = dict(zip(TONES, "øùûõï", strict=True))  # after a plain or horned vowel
VNI_CIRCUMFLEX = dict(zip(["none", *TONES], "âàáåãä", strict=True))  # â ê ô, with their tones
VNI_BREVE = dict(zip(["none", *TONES], "êèéúüë", strict=True))  # ă, with its tones
VNI_I = {"grave": "ì", "acute": "í", "hook": "æ", "tilde": "ó", "dot": "ò"}


def _compose(base: str, tone: str | None) -> str:
    return unicodedata.normalize("NFC", base + (_TONE_MARK[tone] if tone else ""))


def vni_table() -> dict[str, str]:
    """VNI mojibake sequence -> Unicode letter, lower case; upper case follows from it."""
    table: dict[str, str] = {"ñ": "đ", "ô": "ơ", "ö": "ư"}
    for tone in TONES:
        for vowel in "aeouy":
            table[vowel + VNI_TONE[tone]] = _compose(vowel, tone)
        table["ô" + VNI_TONE[tone]] = _compose("ơ", tone)
        table["ö" + VNI_TONE[tone]] = _compose("ư", tone)
        table[VNI_I[tone]] = _compose("i", tone)
    table["î"] = "ỵ"
    del table["y" + VNI_TONE["dot"]]  # ỵ has its own character
    for shape, marks in (("â", VNI_CIRCUMFLEX), ("ă", VNI_BREVE)):
        bases = "aeo" if shape == "â" else "a"
        for base in bases:
            letter = {"a": "â", "e": "ê", "o": "ô"}[base] if shape == "â" else "ă"
            for tone, char in marks.items():
                table[base + char] = _compose(letter, None if tone == "none" else tone)
    upper = {k.upper(): v.upper() for k, v in table.items()}
    return {**table, **upper}


def cp1258_table() -> dict[str, str]:
    """Windows-1258 bytes read as Latin-1 -> what they are (Python's own codec; tone marks are combining)."""
    table = {}
    for byte in range(0x80, 0x100):
        try:
            meant = bytes([byte]).decode("cp1258")
        except UnicodeDecodeError:
            continue
        seen = bytes([byte]).decode("latin-1")
        if meant != seen and (unicodedata.category(meant)[0] in "LM"):
            table[seen] = meant
    return table


def check_against_npm(table: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", NPM_PACKAGE, "--silent"], cwd=tmp, check=True, capture_output=True)
        archive = next(Path(tmp).glob("*.tgz"))
        with tarfile.open(archive) as tar:
            source = tar.extractfile("package/dist/charsets.js")
            assert source is not None
            js = source.read().decode("utf-8")
    theirs = {uni: vni for uni, vni in re.findall(r"\{ unicode: '([^']+)', vni: '([^']+)'", js)}
    ours = {v: k for k, v in table.items()}
    for uni, vni in sorted(theirs.items()):
        if vni != uni and ours.get(uni) != vni:
            print(f"npm differs: {uni} is {vni!r} there, {ours.get(uni)!r} here")


def main() -> None:
    vni = vni_table()
    if "--check-npm" in sys.argv:
        check_against_npm(vni)
    tables = {
        "about": "Mojibake of TCVN3 (ABC) and VNI text -> Unicode; built by scripts/build_legacy_tables.py "
        "from glibc iconv TCVN5712-1, VNI's regular scheme and Python's cp1258 codec.",
        "tcvn3": dict(sorted(tcvn3_table().items())),
        "vni": dict(sorted(vni.items())),
        "cp1258": dict(sorted(cp1258_table().items())),
    }
    OUT.write_text(json.dumps(tables, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8")
    print(f"{OUT}: {len(tables['tcvn3'])} TCVN3 characters, {len(tables['vni'])} VNI sequences")


if __name__ == "__main__":
    main()
