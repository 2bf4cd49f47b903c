"""The web dashboard: a front end beside the chat, reading and acting through service/ only."""
