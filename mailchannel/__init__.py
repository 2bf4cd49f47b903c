"""The email channel: notices and prompts by email, for requesters who do not use Telegram."""
