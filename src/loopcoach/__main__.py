"""`python -m loopcoach` runs the CLI."""

from loopcoach.cli.app import main

main()
