"""`python -m sipkg` is the `sipkg` command."""

from .cli import main

main()
