"""The fast path for plain addresses accepts exactly what email_validator accepts, normalised the same way."""

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given
from hypothesis import strategies as st

from mail.compose import _simple, parse_address
from mail.errors import AddressError

SAMPLES = ["Foi@Barnet.GOV.uk", "foi.requests@leeds.gov.uk", "a+b@x.co", "x@a.b", "o'brien@council.gov.uk",
           "a..b@x.com", "x@-a.com", "x@a-.com", "x@a.test", "x@local", "x@1.2.3.4", ".a@x.com", "a.@x.com",
           "x@a.museum", "x@a.b1", "x@xn--bcher-kva.example", "user@sub.domain.example.org",
           "WWW@0.AA", "Info@Council.gov.uk", "PostMaster@x.org"]  # fmt: skip


def slow(address: str) -> str | None:
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


@pytest.mark.parametrize("address", SAMPLES)
def test_each_sample_is_judged_as_email_validator_judges_it(address):
    fast = _simple(address)
    if fast is not None:  # taken by the fast path: must be valid, and normalised alike
        assert str(fast) == slow(address)
    try:
        parsed = str(parse_address(address))
    except AddressError:
        parsed = None
    assert parsed == slow(address)


@given(st.from_regex(r"[A-Za-z0-9.+_'-]{1,12}@[A-Za-z0-9.-]{1,20}\.[A-Za-z0-9]{1,5}", fullmatch=True))
def test_any_plain_looking_address_is_judged_alike(address):
    fast = _simple(address)
    if fast is not None:
        assert str(fast) == slow(address)
