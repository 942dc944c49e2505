"""Run every benchmark module, or those named on the command line (``python -m bench scoring``).

Each module runs in a process of its own, so the peak memory one reports is its own.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path


def main(names: list[str]) -> int:
    found = sorted(
        m.name
        for m in pkgutil.iter_modules([str(Path(__file__).parent)])
        if m.name.startswith("bench_")
    )
    chosen = [m for m in found if not names or m.removeprefix("bench_") in names]
    status = 0
    for name in chosen:
        print(f"== {name} ==", flush=True)
        code = f"import bench.{name} as b; b.run()"
        status = max(status, subprocess.run([sys.executable, "-c", code], check=False).returncode)
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
