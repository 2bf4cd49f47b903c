"""Addresses read from headers: the fast path for a plainly written mailbox gives what ``getaddresses`` gives."""

from email.utils import getaddresses

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from mail.headers import _plain_mailbox, addresses

_ATEXT = "abcXYZ019!#$%&'*+/=?^_`{|}~-"
_atom = st.text(st.sampled_from(_ATEXT), min_size=1, max_size=6)
_dot_atom = st.lists(_atom, min_size=1, max_size=3).map(".".join)
_domain = st.lists(st.text(st.sampled_from("abz09-"), min_size=1, max_size=6), min_size=1, max_size=3).map(".".join)
_address = st.builds(lambda local, domain: f"{local}@{domain}", _dot_atom, _domain)
# Names of every kind a header carries, specials and odd spaces among them: the fast path must refuse what it
# cannot read exactly as getaddresses does.
_name_char = st.one_of(st.sampled_from(_ATEXT + ' .,;:@<>()[]\\"\t'), st.characters(min_codepoint=0x7F))
_name = st.text(_name_char, max_size=12)
_mailbox = st.one_of(
    _address,
    _address.map(lambda a: f"<{a}>"),
    st.builds(lambda n, a: f"{n} <{a}>", _name, _address),
    st.builds(lambda n, a: f"{n}<{a}>", _name, _address),
    st.builds(lambda n, a: f'"{n}" <{a}>', _name, _address),
)


@given(_mailbox)
@example("FOI Team <foi@council.gov.uk>")
@example('"Smith, John" <j.smith@council.gov.uk>')
@example("J. Smith <j@x.org>")
@example("José Pérez <jose@ayuntamiento.es>")
@example("O'Brien\xa0Team <a@b.c>")
def test_a_mailbox_taken_by_the_fast_path_reads_as_getaddresses_reads_it(text):
    fast = _plain_mailbox(text)
    if fast is not None:
        assert fast == getaddresses([text])


@given(st.text(max_size=40))
def test_any_text_taken_by_the_fast_path_reads_as_getaddresses_reads_it(text):
    fast = _plain_mailbox(text)
    if fast is not None:
        assert fast == getaddresses([text])


@pytest.mark.parametrize(
    "header",
    ["FOI Team <foi@council.gov.uk>", '"FOI Team" <foi@council.gov.uk>', "<foi@council.gov.uk>",
     "foi@council.gov.uk", "Freedom of Information <FOI@Council.GOV.uk>", "Zoë Ångström <z@example.se>"],
)  # fmt: skip
def test_plainly_written_senders_take_the_fast_path_and_come_out_whole(header):
    assert _plain_mailbox(header) is not None
    assert addresses(header) == [(n.strip(), a.lower()) for n, a in getaddresses([header])]


def test_lists_quoted_commas_and_comments_go_to_the_full_parser():
    for header in ("a@b.org, c@d.org", '"Smith, John" <j@x.org>', "j@x.org (John)", "J. Smith <j@x.org>"):
        assert _plain_mailbox(header) is None
    assert addresses("a@b.org, C@D.org") == [("", "a@b.org"), ("", "c@d.org")]
    assert addresses('"Smith, John" <J@X.org>') == [("Smith, John", "j@x.org")]
