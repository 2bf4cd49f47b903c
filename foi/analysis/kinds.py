"""What kind of letter a reply is, with the sentences that decided it.

Each kind has cue phrases with weights; the sentences of the letter are
scored, and a few rules settle the mixtures real letters contain (a refusal
of some parts alongside information is ``partial``; a review letter is never
a first reply). Sources for the wording: ICO guidance on refusal notices
(s.17), acknowledgements and extensions (s.10(3)), EIR reg 7 and 14, and the
review procedures of the s.45 Code and FOISA s.21.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from enum import StrEnum
from itertools import accumulate

from foi.analysis.cues import Cue, word_finder
from foi.analysis.sections import HEDGE
from foi.analysis.topic import decides
from foi.folding import fold


class Kind(StrEnum):
    """The kinds of letter a reply can be."""

    ACKNOWLEDGEMENT = "acknowledgement"
    CLARIFICATION = "clarification"
    FEE_NOTICE = "fee_notice"
    EXTENSION = "extension"
    INFORMATION_PROVIDED = "information_provided"
    PARTIAL = "partial"
    REFUSAL = "refusal"
    NOT_HELD = "not_held"
    REVIEW_ACKNOWLEDGEMENT = "review_acknowledgement"
    REVIEW_OUTCOME = "review_outcome"
    BOUNCE = "bounce"
    AUTO_REPLY = "auto_reply"
    OTHER = "other"


KINDS = tuple(kind.value for kind in Kind)

# FOIA s.21 / FOISA s.25: the information is where the letter points (an answer, and no refusal: see below).
_ELSEWHERE = r"(reasonably|otherwise) accessible to you"
_CUES: dict[str, list[tuple[str, float]]] = {
    "acknowledgement": [
        (r"acknowledge (the )?receipt|this is (an|to) acknowledge|we acknowledge", 3),
        (r"(we|i) (have|has) (now )?received your (request|email|information request)", 2),
        (r"(has|have) been (logged|registered|passed to)", 2),
        (r"(we|you) (will|should|can expect to) (respond|receive a (response|reply)|reply)", 2),
        (r"a (response|reply) will be sent|(request|it) will be (processed|dealt with|considered)", 2),
        (r"within (the statutory )?(20|twenty) working days", 1.5),
        (r"(is|was) being (dealt with|processed|considered)", 1.5),
        (r"(we|i) (are|am) (now )?(dealing with|handling|processing|considering) (it|this|your)", 2),
        (
            r"(will|shall|aim to|expect to)( be able to)? (respond|reply)( to (you|your request))? "
            r"(by|within|no later than)\b",
            2,
        ),  # fmt: skip
    ],
    "clarification": [
        (r"\bclarif(y|ication)\b", 3),
        (r"(could|can|would) you (please )?(confirm|specify|explain|clarify|narrow|provide more|let us know)", 2.5),
        (r"section 1\(3\)|regulation 9\(2\)|further (information|details) (is|are) (needed|required)", 2.5),
        (r"(clock|time ?limit|20 working days) (will|has been) (stopped|paused|restart)", 2),
        (r"before we can (process|deal with|respond)", 2),
    ],
    "fee_notice": [
        (r"fees? notice|section 9\b|regulation 8\b", 3),
        (r"(a|the) (fee|charge) of £\s?\d", 3),
        (r"(pay|payment of) (the|a) (fee|charge)", 2.5),
    ],
    "extension": [
        (r"(need|require)s? (more|additional|further) time to (consider|assess|complete)", 3),
        (r"(extend|extension of) (the )?(time|deadline|period)|need (more|additional|further) time", 3),
        (r"section 10\(3\)|regulation 7\b|complex and voluminous", 3),
        (r"(further|additional) (20|twenty) working days", 2.5),
    ],
    "information_provided": [
        # Not a covering note's "please find attached our response": that response may be a refusal.
        (
            r"(please find (attached|enclosed|below)|attached (is|are) (the|our)|see at+ached|(i|we) enclose)"
            r"(?! (herewith )?(is )?(our|the|a|my) (full |formal )?(response|reply|letter|decision))",
            2,
        ),
        # Not "this concludes our response to your request": every kind of letter ends so.
        (r"(?<!concludes )(?<!completes )(the|our) (response|answers?) to your (request|questions)", 2),
        (r"a copy of (all of |some of |most of )?the information you (have )?requested", 3),
        (r"(the|an?) (attached|enclosed) (spreadsheet|document|file|table|list|report|data|policy|copy|minutes)", 2),
        (r"\b(is|are) (attached|enclosed)\b", 2),  # "we hold annual totals, which are attached", "a copy is attached"
        (r"(decided|able|happy|pleased) to (release|disclose)", 3),
        (r"information (you (have )?)?requested (is|are) (attached|below|enclosed|provided)", 3),
        (r"can be found (at|on|here|in)\b", 2),
        (r"information[\w ]{0,40} (is|are) (already )?(published|available|accessible)", 2),
        # FOIA s.21 / FOISA s.25: given by pointing to where it is published (the exemption is no refusal).
        (_ELSEWHERE, 3),
        (r"(we|i) (am|are) (pleased|happy) to (provide|supply|enclose)", 3),
        (r"^response\b|\bresponse:", 1),
    ],
    "partial": [
        (r"(?<!hold )(?<!holds )(some|part|most) of (the|your) (information|request)|partially|in part\b", 2.5),
        (r"(has|have) been (redacted|withheld)|redact", 2.5),
        (r"remaining (information|parts?)", 2),
    ],
    "refusal": [
        (r"\brefus(e|ed|al|ing)\b", 3),
        (
            r"(it is not possible|(we|i) (are|am) (unable|not able)|(we|i) cannot) to "
            r"(provide|source|locate|retrieve|supply|comply)",
            3,
        ),  # fmt: skip
        (r"\bexempt(ions?)?\b|\bexcepted\b|\bexceptions?\b", 2.5),
        # The decision itself: "this information is exempt from disclosure under section 31".
        (
            r"(is|are) (therefore )?(exempt|excepted) (from disclosure )?(under|by virtue of)\b|"
            r"(withheld|withholding (it|this|the information)) under (section|s\.|regulation|reg\.)",
            3,
        ),
        (r"(exceed|over) the (upper )?[‘'\"]?(appropriate|cost) limit|appropriate limit|cost limit", 3),
        (r"vexatious|repeated request|section 14", 3),
        # A refusal to say whether the information exists (FOIA s.17(1), EIR reg 12(6), FOISA s.18).
        (r"(can|will|must|do|does|shall) neither confirm nor deny", 3),
        (r"neither confirm nor deny|withh(e|o)ld(ing)? (the|this|all)", 2.5),
        (r"not a valid request|does not (meet|satisfy) the requirements of section 8", 3),
    ],
    "not_held": [
        (
            r"(does|do|did) not hold|not held|holds? no (information|records|data)|"
            r"no (information|records) (is|are|was|were) held|(does|do) not have (the|this|that|any) information",
            3.5,
        ),
        (r"formal notice under section 17\(1\)", 3.5),
        (r"no recorded information|we have no record", 3),
    ],
    "review_acknowledgement": [
        (r"(received|acknowledge)[^.]{0,60}(request for an? |your )(internal )?review", 4),
        # "Thank you for your request for an internal review … We will respond to your review request by…"
        (r"(respond|reply) to your (internal )?review( request)? (by|within|no later than)\b", 4),
        (r"(internal review|review request) (has been|is being) (logged|passed|allocated)", 3),
    ],
    "review_outcome": [
        (r"(outcome|result|conclusion|findings) of (the|my|our|your) (internal )?review", 4),
        (r"(i|we) have (now )?(completed|carried out|conducted|undertaken) (the|an|my|our) (internal )?review", 4),
        (r"(uphold|upheld|overturn|overturned|reverse|reversed) (the|our) (original )?(decision|response)", 3.5),
        (
            r"(original |earlier |initial )?(decision|response) (is|was|has been) "
            r"(upheld|overturned|reversed|confirmed)",
            3.5,
        ),  # fmt: skip
        (r"as a result of (this|the|my|our) (internal )?review|(considered|reconsidered) your request afresh", 4),
        (r"review (panel|officer|decision)", 2),
        # What the reviewer decided about the complaint: "I have decided to partially uphold your complaint".
        (r"(partially |partly )?(uphold|upheld|not uphold) (your|the) (complaint|appeal|request for (an )?review)", 4),
        (
            r"(i|we) have (now )?(reviewed|re-?examined|reconsidered) (the|your|our) "
            r"(handling|request|response|decision)",
            3.5,
        ),  # fmt: skip
    ],
}
_COMPILED = {kind: [(Cue.of(p, re.IGNORECASE | re.MULTILINE), w) for p, w in cues] for kind, cues in _CUES.items()}
_REVIEW_CONTEXT = re.compile(r"internal review|request(ed)? (for )?a review|your review|reconsideration", re.IGNORECASE)
_RIGHTS_SECTION = Cue.of(
    r"your rights|if you are (unhappy|dissatisfied|not satisfied)|right to (request|ask for) (an internal |a )?review|"
    r"appeal to the information commissioner|complain to the"
)


# Refusals of the whole request: the cost limit (FOIA/FOISA s.12, EIR reg 12(4)(b)), vexatious or repeated (s.14).
_WHOLE_REFUSAL = Cue.of(
    r"(exceed|over) the (upper )?[‘'\"]?(appropriate|cost) limit|manifestly unreasonable|vexatious|repeated request|"
    r"\bsection 1[24]\b"
)
_HEDGE = Cue.wrap(HEDGE)
# The kinds whose cue words are also what requests ask about ("refused applications", "exempt properties").
_SUBJECT_KINDS = ("refusal", "not_held")
# FOIA s.21 / FOISA s.25 point to where the information is published: the exemption they cite refuses nothing.
_ACCESSIBLE_ELSEWHERE = Cue.of(_ELSEWHERE)
# A cue under a condition or a possibility decides nothing ("may be exempt", "unless the information is exempt").
_HEDGED_KINDS = ("refusal", "not_held", "clarification", "extension", "fee_notice", "partial")


@dataclass(frozen=True)
class Verdict:
    kind: str
    confidence: float
    evidence: list[str]
    scores: dict[str, float]


def classify(
    sentences: list[str],
    label: str | None = None,
    unanswered_parts: int = 0,
    answered_parts: int = 0,
    topic: frozenset[str] = frozenset(),
) -> Verdict:
    """Return the kind of letter these sentences make up; ``topic``: the request's own words
    (``foi.analysis.topic``), whose "refused" or "exempt" names what was asked about, not a decision."""
    if label in ("bounce", "auto_reply"):
        return Verdict(label, 0.95, [], {})
    scores = {kind: 0.0 for kind in _COMPILED}
    evidence: dict[str, list[str]] = {kind: [] for kind in _COMPILED}
    whole_refusal = False
    reading = _Reading(sentences)
    hits = {kind: reading.best_weights(cues) for kind, cues in _COMPILED.items()}
    boilerplate_at = reading.hits(_RIGHTS_SECTION)
    hedged_at = reading.hits(_HEDGE)
    refused_whole_at = reading.hits(_WHOLE_REFUSAL)
    elsewhere_at = reading.hits(_ACCESSIBLE_ELSEWHERE)
    # Only the sentences where some cue matched can change a score.
    for i in sorted({i for found in hits.values() for i in found} | refused_whole_at):
        sentence = sentences[i]
        # The standard "your rights" paragraph mentions reviews and refusals in every letter.
        boilerplate = i in boilerplate_at
        matched = {kind: found.get(i, 0.0) for kind, found in hits.items()}
        if i in hedged_at:
            for kind in _HEDGED_KINDS:
                matched[kind] = 0.0
        elif not boilerplate and i in refused_whole_at:
            whole_refusal = True
        if i in elsewhere_at:
            matched["refusal"] = 0.0
        for kind in _SUBJECT_KINDS if topic else ():
            if matched[kind]:
                matched[kind] = max(
                    (weight for cue, weight in _COMPILED[kind] if decides(cue.pattern, sentence, topic)), default=0.0
                )
        # "I can confirm that we do not hold…" confirms nothing was provided.
        if matched["not_held"] or matched["refusal"]:
            matched["information_provided"] = 0.0
        for kind, best in matched.items():
            if best and not (boilerplate and kind in ("review_acknowledgement", "review_outcome", "refusal")):
                scores[kind] += best
                if len(evidence[kind]) < 3:
                    evidence[kind].append(sentence[:300])
    kind = _decide(scores, unanswered_parts, answered_parts, whole_refusal)
    if kind == "other":
        return Verdict("other", 0.3, [], scores)
    total = sum(scores.values()) or 1.0
    confidence = round(min(0.98, 0.4 + 0.6 * (scores.get(kind, 0.0) / total)), 2)
    chosen = evidence.get(kind) or [e for k in ("information_provided", "refusal", "not_held") for e in evidence[k]][:3]
    unanswered, answered = unanswered_parts, answered_parts
    if kind == "partial" and unanswered and not scores["partial"]:
        # Decided by the questions left unanswered rather than by the letter's own words.
        confidence = 0.75
        chosen = [*chosen[:2], f"{unanswered} of {unanswered + answered} parts of the request not fully answered"]
    elif kind == "partial" and not scores["partial"]:
        # Decided by its mixture: information given beside a refusal or "not held" (no "partial" words).
        mixed = scores["information_provided"] + max(scores["refusal"], scores["not_held"])
        confidence = round(min(0.8, 0.4 + 0.6 * mixed / total), 2)
    elif kind == "information_provided" and answered and not unanswered and scores["information_provided"] < 2:
        # Decided by every question being answered: as sure as the coverage is.
        confidence = max(confidence, 0.75)
        chosen = [*chosen[:2], f"all {answered} parts of the request answered"]
    return Verdict(kind, confidence, chosen, scores)


class _Reading:
    """The sentences of a letter, with where each cue's literals occur (see ``foi.analysis.cues``).

    A cue's pattern is searched only in the sentences holding one of its
    needles. The needles of every cue here are found in one pass over the
    folded letter (Aho-Corasick), not one scan per needle.
    """

    def __init__(self, sentences: list[str]) -> None:
        self.sentences = sentences
        folded = [fold(sentence) for sentence in sentences]
        self.folded = folded
        letter = "\n".join(folded)
        self.starts = list(accumulate((len(f) + 1 for f in folded[:-1]), initial=0))
        where: dict[str, set[int]] = {}
        for end, needle in _NEEDLES.iter(letter) if letter else ():
            where.setdefault(needle, set()).add(bisect_right(self.starts, end - len(needle) + 1) - 1)
        self._where = where
        self._letter = letter

    def _holding(self, needle: str) -> set[int]:
        found = self._where.get(needle)
        if found is None:
            found = set()
            if needle not in _KNOWN:  # a cue from elsewhere: looked for on its own
                at = self._letter.find(needle)
                while at >= 0:
                    found.add(bisect_right(self.starts, at) - 1)
                    at = self._letter.find(needle, at + 1)
            self._where[needle] = found
        return found

    def hits(self, cue: Cue) -> set[int]:
        """The sentences ``cue`` matches."""
        if cue.needles is None:
            candidates: set[int] | range = range(len(self.sentences))
        elif cue.needles <= _KNOWN:  # found in the one pass: only those present are kept
            where = self._where
            present = [where[needle] for needle in cue.needles if needle in where]
            if not present:
                return set()
            candidates = set().union(*present)
        else:
            candidates = set().union(*(self._holding(needle) for needle in cue.needles))
        return {i for i in candidates if cue.holds(self.sentences[i], self.folded[i])}

    def best_weights(self, cues: list[tuple[Cue, float]]) -> dict[int, float]:
        """For each sentence some of ``cues`` match, the heaviest weight among them."""
        best: dict[int, float] = {}
        for cue, weight in cues:
            for i in self.hits(cue):
                if weight > best.get(i, 0.0):
                    best[i] = weight
        return best


_READ_IN_ONE_PASS = [
    *(cue for cues in _COMPILED.values() for cue, _ in cues), _RIGHTS_SECTION, _HEDGE, _WHOLE_REFUSAL,
    _ACCESSIBLE_ELSEWHERE,
]  # fmt: skip
_KNOWN = frozenset(needle for cue in _READ_IN_ONE_PASS for needle in cue.needles or ())
_NEEDLES = word_finder(_KNOWN)


def _decide(scores: dict[str, float], unanswered: int, answered: int, whole_refusal: bool = False) -> str:
    review = max(scores["review_outcome"], scores["review_acknowledgement"])
    if review >= 3.5:
        return (
            "review_outcome"
            if scores["review_outcome"] >= scores["review_acknowledgement"]
            else "review_acknowledgement"
        )
    substantive = {k: scores[k] for k in ("information_provided", "partial", "refusal", "not_held")}
    provided, refused, not_held = scores["information_provided"], scores["refusal"], scores["not_held"]
    if scores["clarification"] >= 3 and scores["clarification"] >= max(substantive.values()):
        return "clarification"
    if scores["fee_notice"] >= 3 and scores["fee_notice"] >= max(substantive.values()):
        return "fee_notice"
    if scores["extension"] >= 3 and scores["extension"] >= provided:
        return "extension"
    # s.12 / s.14 refuse the whole request unless something was given.
    if whole_refusal and not answered and provided < 2 and scores["partial"] < 2.5:
        return "refusal"
    if unanswered and (answered or provided >= 2):
        return "partial"
    if scores["partial"] >= 2.5 and (provided or refused):
        return "partial"
    if provided >= 2 and (refused >= 3 or not_held >= 3):
        return "partial"
    if refused >= 3 and refused >= not_held:
        return "refusal"
    if not_held >= 3:
        return "not_held"
    if provided >= 2 or (answered and not unanswered):
        # A terse letter that answers every question is an answer, cue words or not.
        return "information_provided"
    if scores["acknowledgement"] >= 2:
        return "acknowledgement"
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] >= 3 else "other"
