"""`python -m loopcoach` runs the CLI."""

from loopcoach.cli.app import main

# guarded: a fork-server child (loopcoach.app.isolated) imports the main module again
if __name__ == "__main__":
    main()
