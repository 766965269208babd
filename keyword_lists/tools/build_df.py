#!/usr/bin/env python3
"""Rewrite keyword_lists/background_df.tsv from background_jobs.txt (run after editing the corpus).

Usage: python keyword_lists/tools/build_df.py   (with the project installed, editable or not)
"""

from __future__ import annotations

from pathlib import Path

from scanner.similarity import DF_FILE, background_documents, document_frequencies, format_frequencies

if __name__ == "__main__":
    out = Path(__file__).resolve().parent.parent / DF_FILE
    out.write_text(format_frequencies(*document_frequencies(background_documents())), encoding="utf-8")
    print(f"wrote {out}")
