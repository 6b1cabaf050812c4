"""Command line: `python -m matchmaker serve | migrate | demo | create-organizer | solve | eligibility …`.

Each sub-command lives next to the code it drives and registers itself here through a
`register(subparsers)` function that adds its parser and sets `handler` (a callable taking the
parsed arguments and returning an exit code).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from matchmaker.matching import command as matching_command
from matchmaker.solver import command as solver_command


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m matchmaker", description="银企对接与融资路演平台 matchmaker")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (solver_command, matching_command):
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.handler(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
