"""Sub-commands of the ``ronghe`` CLI: each module defines ``register(subparsers)``."""
