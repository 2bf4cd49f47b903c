"""/mydata and /forget: a user's own data as a zip, and erasing their account after a clear warning."""

from __future__ import annotations

import logging
from typing import Any

from bot.screens import Screen
from bot.steps import Steps
from service import privacy

log = logging.getLogger(__name__)

MAX_FILE = 45 * 1024 * 1024  # Telegram bots may send files up to 50 MB

FORGET_WARNING = (
    "⚠️ <b>Erase your account?</b>\n\n"
    "This deletes, for good: your name, your Telegram id and email address, your settings, every draft you "
    "have not sent, your projects and tags, the prompts and digests I sent you, your dashboard sign-ins and "
    "calendar feeds, and bodies you added that no sent request uses.\n\n"
    "It keeps each request you <b>sent</b>, with its letters and replies: that is correspondence with a public "
    "body (which holds it too). It is kept without your name on the account, and nothing more is done with it: "
    "no reminders, no notices.\n\n"
    "/mydata first gives you a copy of everything. This cannot be undone."
)


class PrivacySteps(Steps):
    def privacy_commands(self) -> dict[str, Any]:
        return {"mydata": self.cmd_mydata, "forget": self.cmd_forget}

    def privacy_buttons(self) -> dict[str, Any]:
        return {"fgy": self.on_forget_confirmed, "fgn": self.on_forget_declined}

    def cmd_mydata(self) -> list[Screen]:
        data = privacy.my_data(self.session, self.user, self.now)
        if len(data) > MAX_FILE:
            return [Screen("Your data is larger than Telegram lets me send (45 MB). The dashboard (/dashboard) "
                           "exports each request's emails; the operator can export the rest for you.")]  # fmt: skip
        return [
            Screen("Everything I hold about you: your account, each request with its emails exactly as sent and "
                   "received, how each reply was read, and the prompts I sent.",
                   document=(f"foibot-my-data-{self.now:%Y-%m-%d}.zip", data)),
        ]  # fmt: skip

    def cmd_forget(self) -> list[Screen]:
        return [Screen(FORGET_WARNING, [[("Yes, erase my account", "fgy"), ("No, keep it", "fgn")]])]

    def on_forget_confirmed(self) -> list[Screen]:
        kept = privacy.forget(self.session, self.user, self.now)
        log.info("user %s erased their account; %s sent requests kept without a name", self.user.id, kept)
        return [Screen("Your account is erased. " + (f"{kept} sent request{'s are' if kept != 1 else ' is'} kept, "
                       "nameless, as correspondence with a public body. " if kept else "")
                       + "If you write to me again, you start afresh.")]  # fmt: skip

    def on_forget_declined(self) -> list[Screen]:
        return [Screen("Nothing was erased.")]
