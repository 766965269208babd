#!/usr/bin/env python3
"""Regenerate keyword_lists/general_index.tsv, the key index of general_skills.csv.

Maintainer script, never imported by cvscan. Run from the project root after changing general_skills.csv
(or scanner.normalize, whose phrase_key makes the keys):

    python keyword_lists/tools/build_general_index.py

tests/test_taxonomy.py fails when the shipped index and a rebuild differ.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from scanner.taxonomy import GENERAL_FILE, GENERAL_INDEX_FILE, SPANS_LINE, general_index_text  # noqa: E402


def main() -> None:
    lists = ROOT / "keyword_lists"
    text = general_index_text((lists / GENERAL_FILE).read_text(encoding="utf-8"))
    (lists / GENERAL_INDEX_FILE).write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {GENERAL_INDEX_FILE}: {text.split(SPANS_LINE)[0].count(chr(10)) - 1} keys")


if __name__ == "__main__":
    main()
