"""The authority's own references for a request, as they print them.

Authorities write "Our ref: 6234788", "Our Reference: FOI2023/07335",
"Case Ref: HC0226-2781", "Request reference - EIR/23/0456", or put a bare
"FOI 34960" in the subject. "Your ref" is the requester's, never theirs, and
our own references (``FOI-7K3M9Q``) are not the authority's either.
"""

from __future__ import annotations

import re

from foi.folding import ascii_lower, finditer_from
from foi.references import find_references

# A reference stops at a line break: "FOI/18/03161\n27 November 2018" is not one token.
_TOKEN = r"[A-Z0-9](?:[A-Z0-9/_.\-]|[ ](?=\d)){1,40}[A-Z0-9]"
_LABELLED = re.compile(
    r"(?P<label>(?:\b(?:our|your|my|case|request|foi|eir|file|information\s{1,3}request|complaint|review)\s{1,3})?"
    r"(?:ref(?:erence)?s?\b\.?|case\b)(?:\s{0,3}(?:no\.?|numbers?|nos?\.?|num|ids?|#))?)"
    # Bounded runs of space and punctuation: no backtracking over long blank stretches.
    rf"[^\S\n]{{0,5}}(?:[:#\-–—=]{{1,3}}\s{{0,3}}|[^\S\n]{{1,5}})(?P<ref>{_TOKEN})",
    re.IGNORECASE | re.ASCII,
)
_PREFIXED = re.compile(
    r"(?<![A-Z0-9])(?P<ref>(?:FOI|FOIA|FOISA|EIR|EISR|IR|RFI|FOIR|REQ|CASE)"
    r"(?:[ \-/_.]?\d{2,}|[ \-/_.]?\d{1,4}[/\-_.][A-Z0-9]{2,})(?:[/\-_.][A-Z0-9]+)*)(?![A-Z0-9])",
    re.IGNORECASE | re.ASCII,
)
_PREFIX_WORDS = ("foi", "eir", "eisr", "ir", "rfi", "req", "case")  # what every _PREFIXED match starts with
# "EIR request 2024/311", "Freedom of Information request no. 12345": the number after the kind of request.
_REQUEST_NUMBERED = re.compile(
    r"(?<![A-Z0-9])(?:FOIA?|FOISA|EISR|EIR|information)\s{1,3}request(?:\s{1,3}(?:no\.?|number|ref\.?))?"
    r"(?:\s{0,3}[:#]\s{0,3}|\s{1,3})(?P<ref>\d[A-Z0-9]*(?:[/\-_.][A-Z0-9]+)*)(?![A-Z0-9])",
    re.IGNORECASE | re.ASCII,
)
_REQUEST_WORDS = ("foi", "eir", "eisr", "information")
_WORDS_NOT_REFS = {"number", "request", "requests", "the", "your", "our", "and", "for", "this"}


_KIND_PREFIX = re.compile(r"^(?:FOIA|FOISA|FOIR|FOI|EISR|EIR|CASE|REQ|RFI|IR)(?=\d)")


def normalize_authority_ref(reference: str) -> str:
    """Return the form used to compare references: letters and digits, upper case, no kind prefix.

    "FOI 34960", "FOI-34960" and "34960" are the same reference to an officer.
    """
    compact = re.sub(r"[^0-9A-Z]", "", reference.upper())
    stripped = _KIND_PREFIX.sub("", compact)
    return stripped if len(stripped) >= 4 else compact


def _clean(candidate: str) -> str | None:
    ref = candidate.strip(" .-/_")
    if not re.search(r"\d", ref) or len(normalize_authority_ref(ref)) < 4:
        return None
    if ref.lower() in _WORDS_NOT_REFS:
        return None
    # A date is not a reference ("Ref: 09/04/2020").
    if re.fullmatch(r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}", ref):
        return None
    return ref


_LABEL_WORDS = ("ref", "case")
# Lines a labelled reference can reach from its "ref" or "case": each ``\s{…,3}`` of the label crosses at most three.
_LINES_BEFORE, _LINES_AFTER = 6, 6


def labelled_matches(text: str) -> list[re.Match[str]]:
    """``_LABELLED.finditer(text)``, read only in the lines around each "ref" or "case".

    Every match holds one of those words and reaches at most a few lines
    either side of it, so a letter's other lines are never scanned. A block
    starts and ends at a line break, which each anchor of the pattern treats
    as it treats the ends of the text: the matches are the same.
    """
    blocks: list[list[int]] = []
    for anchor in _anchors(text):
        first, last = _lines_around(text, anchor)
        if blocks and first <= blocks[-1][1] + 1:
            blocks[-1][1] = max(blocks[-1][1], last)
        else:
            blocks.append([first, last])
    return [match for start, end in blocks for match in _LABELLED.finditer(text[start:end])]


def _anchors(text: str) -> list[int]:
    """Where "ref" or "case" occurs in ``text``, in any ASCII letter case (as the pattern reads them)."""
    lowered = ascii_lower(text)
    found = []
    for word in _LABEL_WORDS:
        at = lowered.find(word)
        while at >= 0:
            found.append(at)
            at = lowered.find(word, at + 1)
    return sorted(found)


def _lines_around(text: str, at: int) -> tuple[int, int]:
    """The span of the lines from ``_LINES_BEFORE`` before the one holding ``at`` to ``_LINES_AFTER`` after it."""
    start = at
    for _ in range(_LINES_BEFORE + 1):
        start = text.rfind("\n", 0, start)
        if start < 0:
            break
    end = at
    for _ in range(_LINES_AFTER + 1):
        end = text.find("\n", end) + 1
        if end == 0:
            return start + 1, len(text)
    return start + 1, end - 1


def find_authority_refs(text: str) -> list[str]:
    """Return the authority's references in ``text``, as printed, in order, without repeats."""
    ours = {normalize_authority_ref(r) for r in find_references(text)}
    found: list[str] = []
    seen: set[str] = set()

    def keep(candidate: str) -> None:
        ref = _clean(candidate)
        if ref is None:
            return
        key = normalize_authority_ref(ref)
        if key in ours or any(key in o or o in key for o in ours):
            return
        if any(key.endswith(k) or k.endswith(key) for k in seen):
            return  # "Case 1970/1234" and "1970/1234" are one reference
        seen.add(key)
        found.append(ref)

    for match in labelled_matches(text):
        label = match.group("label").lower()
        if label.startswith(("your", "my")):
            seen.add(normalize_authority_ref(match.group("ref")))
            continue
        keep(match.group("ref"))
    for match in finditer_from(_PREFIXED, _PREFIX_WORDS, text):
        keep(match.group("ref"))
    for match in finditer_from(_REQUEST_NUMBERED, _REQUEST_WORDS, text):
        keep(match.group("ref"))
    return found


# A run of letters and digits joined by single / - _ . (each character is read once: linear).
_CANDIDATE = re.compile(r"[A-Z0-9]+(?:[/\-_.][A-Z0-9]+)*", re.IGNORECASE | re.ASCII)
_DIGIT = re.compile(r"\d", re.ASCII).search


def reference_tokens(text: str, limit: int = 2000) -> list[str]:
    """Return the normalized form of every token in ``text`` that could be a known reference.

    Used to look for references the authority gave before, however they are
    written this time ("FOI request 6234788" holds "6234788").
    """
    tokens: dict[str, None] = {}
    for token in _CANDIDATE.findall(text):
        if not _DIGIT(token):
            continue
        key = normalize_authority_ref(token)
        if len(key) >= 4:
            tokens[key] = None
            if len(tokens) >= limit:
                break
    return list(tokens)
