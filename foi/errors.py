"""Errors raised by the FOI domain.

FoiError
├── UnknownLaw            a regime name that is not one of ours
├── InvalidDates          dates that cannot be true together
└── InvalidTransition     a lifecycle event not allowed in the current state
"""


class FoiError(Exception):
    """Base class of every error the domain raises."""


class UnknownLaw(FoiError):
    """A regime name that is not foia, eir, foisa or eisr."""


class InvalidDates(FoiError):
    """Dates that contradict each other (a reply before the request…)."""


class InvalidTransition(FoiError):
    """A lifecycle event that the request's current state does not allow."""
