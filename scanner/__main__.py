"""``python -m scanner``: the same as the ``cvscan`` command."""

from .cli import main

main(prog_name="cvscan")
