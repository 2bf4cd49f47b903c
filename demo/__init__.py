"""Local stand-ins for trying foibot without accounts: a Bot API with a web chat, SMTP, IMAP, an authority.

Used by ``foibot demo`` and by the tests (which are built on the same
servers). Nothing here is used when foibot runs for real.
"""
