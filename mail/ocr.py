"""Text from a photographed or scanned letter, by Tesseract OCR where it is installed (Debian's tesseract-ocr).

Bounded: one process per image, a time limit, and a size limit before it
starts. Without Tesseract the answer is no text and a note saying so.
"""

from __future__ import annotations

import shutil
import subprocess

MAX_IMAGE_BYTES = 20 * 1024 * 1024
TIMEOUT_SECONDS = 90.0
MISSING = ("no text was read: Tesseract OCR is not installed here (the operator can install Debian's "
           "tesseract-ocr); the letter is kept as an image")  # fmt: skip


def read_image(data: bytes, binary: str = "tesseract", timeout: float = TIMEOUT_SECONDS) -> tuple[str, str | None]:
    """Return (text, note) read from an image; the text is "" when nothing could be read."""
    program = shutil.which(binary)
    if program is None:
        return "", MISSING
    if len(data) > MAX_IMAGE_BYTES:
        return "", f"no text was read: the image is over {MAX_IMAGE_BYTES // 1_048_576} MB"
    try:
        done = subprocess.run([program, "stdin", "stdout", "-l", "eng", "--psm", "3"], input=data,
                              capture_output=True, timeout=timeout, check=False)  # fmt: skip
    except subprocess.TimeoutExpired:
        return "", f"no text was read: OCR took longer than {timeout:g} seconds"
    except OSError as exc:
        return "", f"no text was read: OCR could not start ({exc.strerror})"
    if done.returncode != 0:
        reason = " ".join(done.stderr.decode("utf-8", "replace").split())[:200]
        return "", f"no text was read: OCR failed ({reason or done.returncode})"
    text = done.stdout.decode("utf-8", "replace").strip()
    return text, None if text else "OCR found no text in the image"
