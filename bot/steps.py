"""What the chat's step mixins (paper letters, follow-ups, tracking, privacy) rely on from ``Flow``.

``Flow`` is made of these mixins; each one reads the session, the user and
the conversation, and moves the conversation on, through the attributes and
methods declared here once. They exist only on ``Flow`` itself: the
declarations are for the reader and the type checker.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from mail.compose import Mailbox
    from mail.parse import Parser
    from service.batches import BatchSettings
    from storage.models import FoiRequestRow, User


class Steps:
    """The part of ``Flow`` a step mixin uses."""

    session: Session
    user: User
    mailbox: Mailbox
    now: dt.datetime
    parse: Parser
    batches: BatchSettings

    if TYPE_CHECKING:

        @property
        def conversation(self) -> dict[str, Any]: ...

        @property
        def state(self) -> str: ...

        def go(self, state: str, **data: Any) -> None: ...

        def remember(self, **data: Any) -> None: ...

        def own_request(self, request_id: int) -> FoiRequestRow | None: ...
