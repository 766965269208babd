"""OCR of image-only PDF pages (scans) with Tesseract, through the optional ``pytesseract`` package.

The page images come from the PDF itself (a scanned page is one or more embedded images), so no PDF renderer
is needed. Install with ``pip install 'cvscan[ocr]'`` plus the ``tesseract`` program.
"""

from __future__ import annotations

from typing import Any

from ..errors import OcrUnavailableError

#: Images smaller than this (pixels, either side) are icons or rules, not scanned text.
MIN_SIDE = 100
#: Seconds Tesseract may spend on one image.
TIMEOUT = 120


def _pytesseract() -> Any:
    try:
        import pytesseract
    except ImportError as exc:
        raise OcrUnavailableError(
            "--ocr needs the Python package pytesseract, which is not installed.",
            fix="pip install 'cvscan[ocr]' (pytesseract and Pillow), and install the tesseract program "
            "(Debian/Ubuntu: apt-get install tesseract-ocr; macOS: brew install tesseract).",
        ) from exc
    try:
        pytesseract.get_tesseract_version()
    except pytesseract.TesseractNotFoundError as exc:
        raise OcrUnavailableError(
            "--ocr needs the tesseract program, which is not installed or not on PATH.",
            fix="install Tesseract (Debian/Ubuntu: apt-get install tesseract-ocr; macOS: brew install tesseract; "
            "Windows: the UB Mannheim installer), then run again.",
        ) from exc
    return pytesseract


def ocr_page(page: Any, name: str) -> str:
    """The text Tesseract reads in the page's embedded images, top image first."""
    tesseract = _pytesseract()
    texts: list[str] = []
    try:
        images = list(page.images)
    except Exception:  # an image pypdf cannot decode only loses that page's OCR
        return ""
    for image in images:
        try:
            picture = image.image
            if picture is None or min(picture.size) < MIN_SIDE:
                continue
            if picture.mode not in ("L", "RGB"):
                picture = picture.convert("RGB")
            text = tesseract.image_to_string(picture, timeout=TIMEOUT)
        except OcrUnavailableError:
            raise
        except RuntimeError as exc:  # pytesseract's timeout
            raise OcrUnavailableError(
                f"OCR of an image took longer than {TIMEOUT} s.", path=name,
                fix="export the CV from the original document instead of scanning it.",
            ) from exc
        except Exception:  # undecodable image data (JBIG2, damaged streams): skip the image
            continue
        lines = [line for line in text.splitlines() if line.strip()]
        if lines:
            texts.append("\n".join(lines))
    return "\n".join(texts)
