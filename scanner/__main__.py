"""``python -m scanner``: the same as the ``cvscan`` command."""

from .cli import main

# Guarded: worker processes started with "spawn" (the web app's pool) import this module as __mp_main__.
if __name__ == "__main__":
    main(prog_name="cvscan")
