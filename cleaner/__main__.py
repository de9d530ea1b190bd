"""``python -m cleaner``: the ``clean`` command line."""

from cleaner.cli import main

if __name__ == "__main__":
    main(prog_name="python -m cleaner")
