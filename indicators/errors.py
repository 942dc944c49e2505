"""Errors raised while reading framework files."""

from __future__ import annotations

from pathlib import Path


class FrameworkFileError(ValueError):
    """A framework file is unreadable or invalid.

    The message names the file, the path inside the YAML (``dimensions[2].indicators[0].weight``)
    and the reason, one problem per line.
    """

    def __init__(self, file: Path | str, problems: list[tuple[str, str]]) -> None:
        self.file = str(file)
        self.problems = problems
        lines = [f"{self.file}: {where or '<top level>'}: {why}" for where, why in problems]
        super().__init__("\n".join(lines))


class UnknownFrameworkError(LookupError):
    """No released file exists for the requested framework id or version."""
