"""``python -m hullguard``: the same as the ``hullguard`` command."""

from hullguard.cli import main

main()
