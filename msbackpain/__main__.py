"""Run the command line with ``python -m msbackpain``."""

from __future__ import annotations

from msbackpain.cli import main

if __name__ == "__main__":
    main()
