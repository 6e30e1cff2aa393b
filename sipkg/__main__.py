"""`python -m sipkg` is the `sipkg` command."""

from sipkg.cli import main

main()
