"""Split a letter into its sections, so that only the authority's own decisions decide.

A real reply is mostly text that decides nothing: the request quoted back,
statutory definitions ("we are not obliged to comply… if we estimate"),
advice and assistance ("you may wish to narrow"), the standard rights
paragraph ("If you are unhappy…") and, in a thread, earlier messages. Each
paragraph is labelled:

- ``quoted``: the requester's words (in quotation marks, after ">", under
  "Information requested"/"You asked" until "Response"), or an earlier
  message of a thread;
- ``rights``: review and complaint rights, the regulator's address;
- ``advice``: advice and assistance, suggestions, conditions;
- ``statute``: what the law says, not what the authority decided;
- ``decision``: everything else — the letter proper.

``latest_letter`` keeps the newest message of a thread: the text above a
quoted reply ("-----Original Message-----", "On … wrote:"), or the last
letter of a page that shows a whole correspondence in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from foi.analysis.cues import Cue
from foi.folding import fold

QUOTED, RIGHTS, ADVICE, STATUTE, DECISION = "quoted", "rights", "advice", "statute", "decision"

_QUOTE_MARKER = re.compile(
    r"^(?:-{2,}\s*original message\s*-{2,}|_{5,}|on .{5,120} wrote:\s*$|from:\s.+\n\s*sent:\s)",
    re.IGNORECASE | re.MULTILINE,
)
_GREETING = re.compile(r"^\s*dear\s+\S", re.IGNORECASE | re.MULTILINE)
_SIGN_OFF = re.compile(r"^\s*yours\s+(?:sincerely|faithfully)", re.IGNORECASE | re.MULTILINE)
_REQUEST_HEADING = re.compile(
    r"^\s*(?:information requested|you asked(?: for)?|your request(?: was)?|request)\s*:?\s*$", re.IGNORECASE
)
_RESPONSE_HEADING = re.compile(r"^\s*(?:#+\s*)?(?:our )?(?:response|reply|answer|decision)s?\s*:?\s*$", re.IGNORECASE)
_RIGHTS = re.compile(
    r"your rights|if you are (?:unhappy|dissatisfied|not (?:satisfied|content|happy))|not content with|"
    r"right to (?:request|ask for|require) (?:an? )?(?:internal )?review|(?:appeal|apply|complain) to the "
    r"(?:scottish )?information commissioner|having exhausted|you (?:can|may) (?:ask|request|apply) for (?:an? )?"
    r"(?:internal )?review|wycliffe house|kinburn castle|itspublicknowledge|ico\.org\.uk/(?:make-a-)?complain|"
    r"court of session|first-tier tribunal|there is no charge for making an appeal|complaints? procedure",
    re.IGNORECASE,
)
_ADVICE = re.compile(
    r"advice and assistance|you (?:may|might) (?:wish|want|like) to|it may (?:help|be helpful)|"
    r"you may find it helpful|if you (?:would like|wish|were to|could)|we (?:would|could|may) be able to|"
    r"narrow(?:ing)? (?:down )?(?:the scope of )?your request|refin(?:e|ing) your request|"
    r"in the meantime|please (?:do not hesitate|contact)|direct marketing|re-?use of (?:public sector )?information|"
    r"we (?:will|may) publish|published on (?:our|the) website",
    re.IGNORECASE,
)
_STATUTE = re.compile(
    r"(?:we|an authority|a public authority|authorities) (?:are|is) not (?:obliged|required) to|"
    r"section \d+\w*(?:\(\d+\))? (?:of the (?:foi|freedom of information)[\w ()]*)?(?:states|provides|allows|says)|"
    r"(?:is|are) calculated at £\s?\d+|the fees regulations|appropriate limit (?:is|of £\s?\d+ )?(?:set|specified)|"
    r"the cost of (?:determining|locating|retrieving)|this exemption is (?:subject to|absolute)|"
    r"the (?:act|regulations) (?:defines?|requires?)",
    re.IGNORECASE,
)
_RIGHTS_CUE, _STATUTE_CUE, _ADVICE_CUE = (Cue.wrap(p) for p in (_RIGHTS, _STATUTE, _ADVICE))
# Not a decision: what may happen, or would happen under a condition.
HEDGE = re.compile(
    r"\b(?:may|might|could|unless|if|whether|potentially|possibly|in (?:some|certain) cases|can be)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Section:
    kind: str
    text: str


def latest_letter(text: str) -> str:
    """Return the newest message of a thread (the whole text when it is one letter)."""
    marker = _QUOTE_MARKER.search(text)
    if marker and marker.start() > 40:
        text = text[: marker.start()]
    greetings = [m.start() for m in _GREETING.finditer(text)]
    if len(greetings) > 1 and len(_SIGN_OFF.findall(text)) > 1:
        return text[greetings[-1] :]
    return text


def _paragraphs(text: str) -> list[str]:
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    if len(blocks) <= 2 and text.count("\n") > 6:  # pages flattened to one line per paragraph
        blocks = [line.strip() for line in text.splitlines() if line.strip()]
    return blocks


def segment(text: str) -> list[Section]:
    """Return the letter's paragraphs, each labelled with the kind of section it belongs to."""
    sections: list[Section] = []
    in_request = False
    has_response_heading = any(_RESPONSE_HEADING.match(line) for line in text.splitlines())
    for paragraph in _paragraphs(text):
        first_line = paragraph.splitlines()[0]
        if _REQUEST_HEADING.match(first_line) and has_response_heading:
            in_request = True
            sections.append(Section(QUOTED, paragraph))
            continue
        if _RESPONSE_HEADING.match(first_line):
            in_request = False
        lines = paragraph.splitlines()
        head = paragraph[:2000]  # a paragraph shows what it is early; a huge one is not searched whole
        folded = fold(head)
        quoted = (
            in_request
            or paragraph.startswith(("“", '"', "'", "‘"))
            or all(line.lstrip().startswith(">") for line in lines)
        )
        if quoted:
            kind = QUOTED
        elif _RIGHTS_CUE.matches(head, folded):
            kind = RIGHTS
        elif _STATUTE_CUE.matches(head, folded) and not _decides(head):
            kind = STATUTE
        elif _ADVICE_CUE.matches(head, folded) and not _decides(head):
            kind = ADVICE
        else:
            kind = DECISION
        sections.append(Section(kind, paragraph))
    return sections


_DECIDING = re.compile(
    r"\b(?:we|i|the council|the scottish government|tfl) (?:have|has)? ?(?:decided|refuse|am refusing|are refusing|"
    r"cannot provide|are unable|am unable|do not hold|does not hold|does not have|enclose)|"
    r"(?:would|will) exceed the|is (?:therefore )?refused|formal notice|"
    # FOIA s.21 / FOISA s.25: pointing to where the information is published is the answer itself.
    r"(?:reasonably|otherwise) accessible to you|(?:is|are) (?:therefore )?exempt (?:from disclosure )?under",
    re.IGNORECASE,
)


def _decides(paragraph: str) -> bool:
    """Return True when a paragraph that quotes the law or gives advice also states the decision."""
    return bool(_DECIDING.search(paragraph))


def quoted_lines(lines: list[str]) -> set[int]:
    """Return the indexes of lines that quote the request: under its heading until "Response", or in quotes."""
    quoted: set[int] = set()
    has_response_heading = any(_RESPONSE_HEADING.match(line) for line in lines)
    in_request = False
    in_quote = False
    for index, line in enumerate(lines):
        stripped = line.strip().lstrip("*_#> ").strip()
        if has_response_heading and _REQUEST_HEADING.match(stripped):
            in_request = True
        elif _RESPONSE_HEADING.match(stripped):
            in_request = False
        opens = stripped.startswith(("“", '"'))
        if opens:
            in_quote = True
        if in_request or in_quote or line.lstrip().startswith(">"):
            quoted.add(index)
        if in_quote and (stripped.endswith(("”", '"', '".', "”.", "”:", '":')) or not stripped):
            in_quote = False
    return quoted


def is_rights(line: str) -> bool:
    return bool(_RIGHTS.search(line))


def authority_text(sections: list[Section]) -> str:
    """Return the letter without the requester's words quoted back in it."""
    return "\n\n".join(s.text for s in sections if s.kind != QUOTED)


def decision_text(sections: list[Section]) -> str:
    """Return only the paragraphs that can decide what kind of letter this is."""
    return "\n\n".join(s.text for s in sections if s.kind == DECISION)
