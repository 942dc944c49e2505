"""The ``ronghe`` command line. Each sub-command lives in ``assessment/commands/<name>.py`` and
registers itself; the CLI and the app call the same core functions."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

import assessment.commands
from assessment.commands import CommandError

__all__ = ["CommandError", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ronghe", description="Ronghe (融合) command line")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module_info in sorted(
        pkgutil.iter_modules(assessment.commands.__path__), key=lambda m: m.name
    ):
        module = importlib.import_module(f"assessment.commands.{module_info.name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one sub-command; each sets ``func(args) -> int`` as its handler."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except CommandError as exc:
        message = " ".join(str(exc).split())  # one line, whatever the message holds
        print(f"ronghe {args.command}: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
