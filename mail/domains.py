"""Which senders count as a public body: registrable domains, not public suffixes.

A body's mail domain is what lets its replies through the sender check and
what pairs an authority's own reference with the body that gave it. So the
domain must be one organisation's: ``gov.uk`` or ``nhs.uk`` is a public
suffix shared by thousands of bodies (Public Suffix List, bundled by the
``publicsuffixlist`` package: nothing is fetched at run time), and a shared
mail provider (``gmail.com``) is shared by millions of people — for those
only the exact address is trusted.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from mail.errors import AddressError

# Mail providers whose domain anyone can have an address at.
SHARED_PROVIDERS = frozenset(
    """gmail.com googlemail.com outlook.com hotmail.com hotmail.co.uk live.com live.co.uk msn.com yahoo.com
    yahoo.co.uk ymail.com aol.com aol.co.uk icloud.com me.com mac.com protonmail.com proton.me pm.me gmx.com
    gmx.co.uk gmx.net mail.com zoho.com btinternet.com sky.com virginmedia.com talktalk.net fastmail.com
    tutanota.com yandex.com""".split()
)


@lru_cache(maxsize=1)
def _psl():  # type: ignore[no-untyped-def]
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()


def normalise_domain(domain: str) -> str:
    """Return ``domain`` lower-cased, NFKC-normalised, without a trailing dot."""
    return unicodedata.normalize("NFKC", domain).strip().rstrip(".").lower()


def registrable_domain(domain: str) -> str | None:
    """Return the registrable part of ``domain`` ("barnet.gov.uk" for "mail.barnet.gov.uk"), or None.

    None means the domain is itself a public suffix (``gov.uk``) or not a domain at all.
    """
    cleaned = normalise_domain(domain)
    if not cleaned or "." not in cleaned or any(not label for label in cleaned.split(".")):
        return None
    return _psl().privatesuffix(cleaned)


def sender_key(address: str) -> str:
    """Return what identifies a body's sender: its domain, or the whole address at a shared provider."""
    local, _, domain = address.strip().rpartition("@")
    domain = normalise_domain(domain)
    if domain in SHARED_PROVIDERS:
        return f"{local.lower()}@{domain}"
    return domain


def check_body_address(address: str) -> str:
    """Return the sender key for a body's FOI address, or raise AddressError saying what is wrong."""
    domain = normalise_domain(address.rpartition("@")[2])
    if "@" not in address or not domain:
        raise AddressError(f"{address!r} is not an email address")
    if registrable_domain(domain) is None:
        raise AddressError(
            f"{domain} is shared by many organisations (a public suffix); give the body's own address, "
            "such as foi@council.gov.uk"
        )
    return sender_key(address)


def check_domain(domain: str) -> str:
    """Return a body's extra mail domain normalised, or raise AddressError for a public suffix."""
    cleaned = normalise_domain(domain)
    if registrable_domain(cleaned) is None:
        raise AddressError(f"{domain!r} is not one organisation's domain (it is a public suffix or not a domain)")
    return cleaned
