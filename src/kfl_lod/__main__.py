"""``python -m kfl_lod``: the same command line as ``kfl-lod``."""

from .cli import main

if __name__ == "__main__":
    main(prog_name="kfl-lod")
