"""Run the command line as ``python -m foibot``."""

from foibot.cli import main

main()
