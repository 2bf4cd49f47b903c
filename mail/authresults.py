"""Did the sender's domain vouch for the message? Reading ``Authentication-Results`` (RFC 8601).

Our receiving mail server checks SPF, DKIM and DMARC and records the results
in an ``Authentication-Results`` header at the top of the message. Anyone can
write such a header into a message they send, so only the receiving server's
own count: the one whose authserv-id is configured (``MAIL_AUTHSERV_ID``), or
else the topmost one, which is the last added — a forged header lies below it.

Verdicts:
- ``fail``: DMARC failed, or (no DMARC result) SPF failed and no DKIM
  signature passed. The message is held with a warning, never attached.
- ``pass``: DMARC, DKIM or SPF passed.
- ``none``: nothing was recorded (many small mail hosts add no header).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FAIL, PASS, NONE = "fail", "pass", "none"

_RESULT = re.compile(r"\b(spf|dkim|dmarc)\s*=\s*([a-z]+)", re.IGNORECASE)
_MAX_HEADER = 8000


@dataclass(frozen=True)
class Authentication:
    verdict: str  # fail, pass or none
    detail: str = ""

    @property
    def failed(self) -> bool:
        return self.verdict == FAIL


def _authserv_id(value: str) -> str:
    return value.split(";", 1)[0].strip().split()[0].lower() if value.strip() else ""


def read_authentication(headers: dict[str, list[str]], authserv_id: str | None = None) -> Authentication:
    """Return the verdict of our receiving server's ``Authentication-Results`` header."""
    values = [v[:_MAX_HEADER] for v in headers.get("authentication-results", [])]
    if authserv_id:
        values = [v for v in values if _authserv_id(v) == authserv_id.lower()]
    else:
        values = values[:1]
    results: dict[str, list[str]] = {}
    for value in values:
        for method, result in _RESULT.findall(value):
            results.setdefault(method.lower(), []).append(result.lower())
    if not results:
        return Authentication(NONE)
    detail = "; ".join(f"{m}={'/'.join(r)}" for m, r in sorted(results.items()))
    dmarc, spf, dkim = results.get("dmarc", []), results.get("spf", []), results.get("dkim", [])
    if "fail" in dmarc:
        return Authentication(FAIL, detail)
    if not dmarc and "fail" in spf and "pass" not in dkim:
        return Authentication(FAIL, detail)
    if "pass" in dmarc or "pass" in dkim or "pass" in spf:
        return Authentication(PASS, detail)
    return Authentication(NONE, detail)
