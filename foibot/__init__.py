"""The composition root: settings, the command line and the running program."""
