"""`python -m hsawallet`, and the entry point of the desktop bundle (packaging/hsawallet.spec)."""

import multiprocessing

if __name__ == "__main__":
    # First, before the CLI is imported: in the bundle a spawned reader (or multiprocessing's resource
    # tracker) re-runs this program with multiprocessing's own arguments; freeze_support runs that child's
    # code and exits. Outside a bundle it does nothing.
    multiprocessing.freeze_support()

    import sys

    from hsawallet.cli import main

    sys.exit(main())
