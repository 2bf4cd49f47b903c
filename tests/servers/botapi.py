"""The project's own Bot API stand-in lives in demo/ (``foibot demo`` uses it too)."""

from demo.botapi import *  # noqa: F403
from demo.botapi import BOT_USER, BotApiServer, Call  # noqa: F401
