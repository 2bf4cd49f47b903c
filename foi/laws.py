"""The access-to-information regimes as data, each value beside its source.

A new regime is a new ``Law`` entry, not new code. Sources: the statutes on
legislation.gov.uk, the s.45 Code of Practice (2018), ICO and Scottish
Information Commissioner guidance, gathered in shared/LAW.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from foi.calendar import WorkingDayCalendar, scotland_calendar, uk_calendar
from foi.errors import UnknownLaw


class Regime(StrEnum):
    FOIA = "foia"
    EIR = "eir"
    FOISA = "foisa"
    EISR = "eisr"


class Regulator(StrEnum):
    ICO = "ICO"
    SIC = "SIC"


class Unit(StrEnum):
    WORKING_DAYS = "working days"
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"


@dataclass(frozen=True)
class Period:
    """A length of time the law sets, with the provision that sets it."""

    amount: int
    unit: Unit
    source: str

    def describe(self) -> str:
        """Return e.g. "20 working days (FOIA s.10(1))"."""
        return f"{self.amount} {self.unit} ({self.source})"


@dataclass(frozen=True)
class Law:
    """One regime: its periods, calendar, review route and regulator."""

    regime: Regime
    title: str
    short_name: str
    nation: str  # where the regime applies
    calendar_name: str  # "uk" or "scotland"
    calendar_source: str
    reply: Period
    reply_provision: str  # the duty to answer, cited in requests and chasers
    request_provision: str  # the right of access, cited in the request
    request_subject: str  # how our subject lines name a request
    extension: Period | None  # the outer limit of an extension, counted from receipt
    extension_source: str
    real_name_required: bool
    real_name_source: str
    review_name: str
    review_provision: str
    review_window: Period
    review_window_runs_from_due_date_if_no_reply: bool
    review_reply: Period
    review_reply_max: Period
    very_overdue: Period
    regulator: Regulator
    regulator_name: str
    regulator_provision: str
    complaint_window: Period
    appeal_body: str
    appeal_window: Period
    fee_lapses_after: Period | None

    def calendar(self) -> WorkingDayCalendar:
        """Return the working-day calendar this regime counts in."""
        return scotland_calendar() if self.calendar_name == "scotland" else uk_calendar()

    @property
    def is_environmental(self) -> bool:
        return self.regime in (Regime.EIR, Regime.EISR)

    @property
    def is_scottish(self) -> bool:
        return self.regime in (Regime.FOISA, Regime.EISR)


FOIA = Law(
    regime=Regime.FOIA,
    title="Freedom of Information Act 2000",
    short_name="FOIA",
    nation="England, Wales, Northern Ireland and UK-wide bodies",
    calendar_name="uk",
    calendar_source="FOIA s.10(6): Saturday, Sunday, Christmas Day, Good Friday "
    "and a bank holiday in any part of the UK are not working days",
    reply=Period(20, Unit.WORKING_DAYS, "FOIA s.10(1)"),
    reply_provision="section 10(1) of the Freedom of Information Act 2000",
    request_provision="section 1 of the Freedom of Information Act 2000",
    # s.10(3) allows a "reasonable" time for the public-interest test; the
    # ICO treats 20 further working days (40 in all) as the usual maximum.
    request_subject="Freedom of Information request",
    extension=Period(40, Unit.WORKING_DAYS, "FOIA s.10(3); ICO guidance: at most 20 more"),
    extension_source="FOIA s.10(3)",
    real_name_required=True,
    real_name_source="FOIA s.8(1)(b)",
    review_name="internal review",
    review_provision="the section 45 Code of Practice (2018), part 5",
    review_window=Period(40, Unit.WORKING_DAYS, "s.45 Code of Practice 2018, para 5.4"),
    review_window_runs_from_due_date_if_no_reply=False,
    review_reply=Period(20, Unit.WORKING_DAYS, "s.45 Code of Practice 2018, para 5.5"),
    review_reply_max=Period(40, Unit.WORKING_DAYS, "s.45 Code of Practice 2018, para 5.5"),
    very_overdue=Period(40, Unit.WORKING_DAYS, "ICO outer limit for extensions; WhatDoTheyKnow"),
    regulator=Regulator.ICO,
    regulator_name="Information Commissioner's Office",
    regulator_provision="FOIA s.50",
    complaint_window=Period(6, Unit.WEEKS, "ICO: within 6 weeks of the final response"),
    appeal_body="First-tier Tribunal (Information Rights)",
    appeal_window=Period(28, Unit.DAYS, "FOIA s.57; Tribunal Procedure Rules (GRC) r.22(1)(b)"),
    fee_lapses_after=Period(3, Unit.MONTHS, "FOIA s.9(2)"),
)

EIR = Law(
    regime=Regime.EIR,
    title="Environmental Information Regulations 2004",
    short_name="EIR",
    nation="England, Wales, Northern Ireland and UK-wide bodies",
    calendar_name="uk",
    calendar_source="EIR reg 2(1): working day as in FOIA s.10(6)",
    reply=Period(20, Unit.WORKING_DAYS, "EIR reg 5(2)"),
    reply_provision="regulation 5(2) of the Environmental Information Regulations 2004",
    request_provision="regulation 5(1) of the Environmental Information Regulations 2004",
    request_subject="Environmental Information request",
    extension=Period(40, Unit.WORKING_DAYS, "EIR reg 7(1): complex and voluminous"),
    extension_source="EIR reg 7(1)",
    real_name_required=False,
    real_name_source="EIR: no name requirement; a request may even be oral",
    review_name="reconsideration",
    review_provision="regulation 11 of the Environmental Information Regulations 2004",
    review_window=Period(40, Unit.WORKING_DAYS, "EIR reg 11(2)"),
    review_window_runs_from_due_date_if_no_reply=False,
    review_reply=Period(40, Unit.WORKING_DAYS, "EIR reg 11(4)"),
    review_reply_max=Period(40, Unit.WORKING_DAYS, "EIR reg 11(4)"),
    very_overdue=Period(40, Unit.WORKING_DAYS, "ICO outer limit; WhatDoTheyKnow"),
    regulator=Regulator.ICO,
    regulator_name="Information Commissioner's Office",
    regulator_provision="EIR reg 18 applying FOIA s.50",
    complaint_window=Period(6, Unit.WEEKS, "ICO: within 6 weeks of the final response"),
    appeal_body="First-tier Tribunal (Information Rights)",
    appeal_window=Period(28, Unit.DAYS, "FOIA s.57 via EIR reg 18; GRC Rules r.22(1)(b)"),
    fee_lapses_after=None,
)

FOISA = Law(
    regime=Regime.FOISA,
    title="Freedom of Information (Scotland) Act 2002",
    short_name="FOISA",
    nation="Scotland",
    calendar_name="scotland",
    calendar_source="FOISA s.73: Saturday, Sunday, Christmas Day and a bank holiday in Scotland are not working days",
    reply=Period(20, Unit.WORKING_DAYS, "FOISA s.10(1)"),
    reply_provision="section 10(1) of the Freedom of Information (Scotland) Act 2002",
    request_provision="section 1 of the Freedom of Information (Scotland) Act 2002",
    request_subject="Freedom of Information (Scotland) request",
    extension=None,  # FOISA allows no extension
    extension_source="FOISA: no extension",
    real_name_required=True,
    real_name_source="FOISA s.8(1)(b)",
    review_name="requirement for review",
    review_provision="section 20 of the Freedom of Information (Scotland) Act 2002",
    review_window=Period(40, Unit.WORKING_DAYS, "FOISA s.20(5)"),
    review_window_runs_from_due_date_if_no_reply=True,
    review_reply=Period(20, Unit.WORKING_DAYS, "FOISA s.21(1)"),
    review_reply_max=Period(20, Unit.WORKING_DAYS, "FOISA s.21(1)"),
    very_overdue=Period(40, Unit.WORKING_DAYS, "WhatDoTheyKnow backstop"),
    regulator=Regulator.SIC,
    regulator_name="Scottish Information Commissioner",
    regulator_provision="FOISA s.47",
    complaint_window=Period(6, Unit.MONTHS, "FOISA s.47(4)"),
    appeal_body="Court of Session (on a point of law)",
    appeal_window=Period(42, Unit.DAYS, "FOISA s.56; Rules of the Court of Session r.41.20"),
    fee_lapses_after=Period(3, Unit.MONTHS, "FOISA s.9(4)"),
)

EISR = Law(
    regime=Regime.EISR,
    title="Environmental Information (Scotland) Regulations 2004",
    short_name="EISR",
    nation="Scotland",
    calendar_name="scotland",
    calendar_source="EISR reg 2(1): working day as in FOISA s.73",
    reply=Period(20, Unit.WORKING_DAYS, "EISR reg 5(2)(a)"),
    reply_provision="regulation 5(2) of the Environmental Information (Scotland) Regulations 2004",
    request_provision="regulation 5(1) of the Environmental Information (Scotland) Regulations 2004",
    request_subject="Environmental Information (Scotland) request",
    extension=Period(40, Unit.WORKING_DAYS, "EISR reg 7(1): complex and voluminous"),
    extension_source="EISR reg 7(1)",
    real_name_required=False,
    real_name_source="EISR: no name requirement",
    review_name="review",
    review_provision="regulation 16 of the Environmental Information (Scotland) Regulations 2004",
    review_window=Period(40, Unit.WORKING_DAYS, "EISR reg 16(2)"),
    review_window_runs_from_due_date_if_no_reply=True,
    review_reply=Period(20, Unit.WORKING_DAYS, "EISR reg 16(4)"),
    review_reply_max=Period(20, Unit.WORKING_DAYS, "EISR reg 16(4)"),
    very_overdue=Period(40, Unit.WORKING_DAYS, "WhatDoTheyKnow backstop"),
    regulator=Regulator.SIC,
    regulator_name="Scottish Information Commissioner",
    regulator_provision="EISR reg 17 applying FOISA s.47",
    complaint_window=Period(6, Unit.MONTHS, "FOISA s.47(4) via EISR reg 17"),
    appeal_body="Court of Session (on a point of law)",
    appeal_window=Period(42, Unit.DAYS, "FOISA s.56 via EISR reg 17; RCS r.41.20"),
    fee_lapses_after=None,
)

LAWS: dict[Regime, Law] = {law.regime: law for law in (FOIA, EIR, FOISA, EISR)}


def law_for(name: str | Regime) -> Law:
    """Return the law named ``name`` ("foia", "EIR"…), or raise UnknownLaw."""
    try:
        return LAWS[Regime(str(name).strip().lower())]
    except ValueError:
        choices = ", ".join(r.value for r in Regime)
        raise UnknownLaw(f"unknown law {name!r}: choose one of {choices}") from None
