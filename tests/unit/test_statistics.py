"""Per-body statistics, against figures worked out by hand."""

from __future__ import annotations

import datetime as dt

from foi.statistics import Record, Share, by_authority, for_authority

D = dt.date
TODAY = D(2026, 3, 20)


def record(status, received, responded=None, due=None, **more):  # type: ignore[no-untyped-def]
    return Record("Barnet Council", "foia", status, received, responded, due, **more)


def test_one_body_counted_by_hand():
    records = [
        # received Mon 2 Feb 2026, answered Mon 16 Feb: 10 working days, on time
        record("answered", D(2026, 2, 2), D(2026, 2, 16), D(2026, 3, 2), exemptions=("s.40(2)",)),
        # answered Wed 4 Mar: 22 working days after Mon 2 Feb, after its due date (Mon 2 Mar): late
        record("partly_answered", D(2026, 2, 2), D(2026, 3, 4), D(2026, 3, 2), exemptions=("s.40(2)", "s.43(2)")),
        # refused after 5 working days (Mon 9 Feb → Mon 16 Feb), then reviewed
        record("review_answered", D(2026, 2, 9), D(2026, 2, 16), D(2026, 3, 9), outcome="refusal",
               exemptions=("s.12",), review_requested_on=D(2026, 2, 20), review_decided_on=D(2026, 3, 10)),
        # still waiting: one overdue (due Mon 16 Mar), one not yet (due 1 Apr)
        record("acknowledged", D(2026, 2, 16), due=D(2026, 3, 16)),
        record("sent", D(2026, 3, 4), due=D(2026, 4, 1)),
        # not sent yet: counts for nothing
        record("queued", None),
    ]  # fmt: skip
    stats = for_authority("Barnet Council", records, TODAY)
    assert stats.requests == 5
    assert stats.replied == 3
    assert stats.median_working_days == 10  # of 10, 22, 5
    assert stats.late == Share(1, 3)
    assert stats.overdue_now == Share(1, 2)
    assert stats.withheld == Share(2, 3)  # the partial answer and the refusal
    assert stats.exemptions == [("s.40(2)", 2), ("s.12", 1), ("s.43(2)", 1)]
    assert (stats.reviews_requested, stats.reviews_decided) == (1, 1)
    assert str(stats.late) == "1 of 3"


def test_a_lawful_extension_is_not_late_and_each_law_counts_its_own_holidays():
    extended = Record("Glasgow", "foisa", "answered", D(2026, 1, 5), D(2026, 2, 20), D(2026, 2, 2),
                      extended_due_on=D(2026, 3, 2))  # fmt: skip
    assert for_authority("Glasgow", [extended], TODAY).late == Share(0, 1)
    # St Patrick's Day (Tue 17 Mar 2026) closes every FOIA body (FOIA s.10(6): a bank holiday anywhere
    # in the UK) and no FOISA one: received Mon 16 Mar, replied Wed 18 Mar.
    scottish = Record("Glasgow", "foisa", "answered", D(2026, 3, 16), D(2026, 3, 18), D(2026, 4, 13))
    english = Record("Leeds", "foia", "answered", D(2026, 3, 16), D(2026, 3, 18), D(2026, 4, 14))
    assert for_authority("Glasgow", [scottish], TODAY).median_working_days == 2  # 17 and 18 Mar
    assert for_authority("Leeds", [english], TODAY).median_working_days == 1  # 18 Mar


def test_bodies_with_most_requests_first_and_none_without_requests():
    found = by_authority(
        [
            Record("B", "foia", "sent", D(2026, 3, 2), None, D(2026, 3, 30)),
            Record("A", "foia", "sent", D(2026, 3, 2), None, D(2026, 3, 30)),
            Record("A", "foia", "answered", D(2026, 3, 2), D(2026, 3, 3), D(2026, 3, 30)),
            Record("C", "foia", "draft", None, None, None),
        ],
        TODAY,
    )
    assert [(s.authority, s.requests) for s in found] == [("A", 2), ("B", 1)]
    assert found[1].median_working_days is None and found[1].late == Share(0, 0)


def test_a_reviews_outcome_is_read_from_its_letter_and_counted():
    from foi.analysis.facts import review_result

    letters = {
        "Having looked again at the request, I have decided to uphold the original decision.": "upheld",
        "I do not uphold your complaint: the exemption was correctly applied.": "upheld",
        "I have upheld your complaint, and the information is now enclosed.": "overturned",
        "The original response is overturned; we will now release the report.": "overturned",
        "I have partially upheld your request for review: part 2 is released.": "partly",
        "I have now completed my review. The reasons are set out below.": None,
    }
    assert {text: review_result(text) for text in letters} == letters
    reviewed = [
        Record("B", "foia", "review_answered", D(2026, 1, 5), D(2026, 1, 9), D(2026, 2, 2),
               review_requested_on=D(2026, 1, 12), review_decided_on=D(2026, 2, 1), review_result=result)
        for result in ("upheld", "upheld", "overturned", None)
    ]  # fmt: skip
    stats = for_authority("B", reviewed, TODAY)
    assert (stats.reviews_requested, stats.reviews_decided) == (4, 4)
    assert stats.review_results == {"upheld": 2, "overturned": 1}
