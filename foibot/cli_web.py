"""``foibot web``: the operator's door into the web dashboard."""

from __future__ import annotations

from typing import Annotated

import typer

from foibot.cli import HELP_OPTIONS, _ready, _settings, fail

web_app = typer.Typer(help="The web dashboard.", no_args_is_help=True, context_settings=HELP_OPTIONS)


@web_app.command("link")
def link(
    telegram_id: Annotated[int, typer.Option("--telegram-id", help="the Telegram user id to sign in as")],
) -> None:
    """Print a one-time sign-in link (15 minutes) for a user of the chat."""
    from sqlalchemy import select

    from foibot import wiring
    from service import web_access
    from storage.models import User

    settings = _settings()
    address = settings.web_address()
    if address is None:
        fail("the web dashboard is off: set WEB_PORT (and WEB_BASE_URL behind a proxy)")
    db = _ready(lambda: wiring.database(settings))
    with db.unit_of_work() as session:
        user = session.scalar(select(User).where(User.telegram_id == telegram_id))
        if user is None:
            fail(f"no user with Telegram id {telegram_id}: they must have written to the bot first")
        if user.banned_at is not None:
            fail(f"user {telegram_id} is banned")
        token = web_access.new_sign_in(session, user, wiring.now())
    print(f"{address}/sign-in/{token}")
