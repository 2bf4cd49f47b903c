"""Mail adapters: SMTP outbox, IMAP watcher, MIME parsing, reply matching."""
