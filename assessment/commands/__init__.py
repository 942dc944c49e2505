"""Sub-commands of the ``ronghe`` CLI: each module defines ``register(subparsers)``."""


class CommandError(Exception):
    """A user error: printed as one line on stderr, exit status 2."""
