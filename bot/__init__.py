"""The Telegram bot: conversations, handlers, keyboards, notifications."""
