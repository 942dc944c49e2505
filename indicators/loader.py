"""Read and validate the released framework files."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from indicators.errors import FrameworkFileError, UnknownFrameworkError
from indicators.schema import Framework

M = TypeVar("M", bound=BaseModel)
# libyaml's safe loader when PyYAML has it (ten times faster on the large framework files);
# it builds the same plain data as yaml.safe_load.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FRAMEWORKS_DIR = Path(__file__).parent / "frameworks"


def read_model(path: Path, model: type[M]) -> M:
    """Parse a YAML file with the safe loader and validate it as ``model``.

    Raises:
        FrameworkFileError: naming the file, the place in the YAML and the reason.
    """
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise FrameworkFileError(path, [("", f"cannot read YAML: {exc}")]) from exc
    if not isinstance(raw, dict):
        raise FrameworkFileError(path, [("", "the file must hold a mapping at the top level")])
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise FrameworkFileError(path, _problems(exc, raw)) from exc


def load_framework_file(path: Path) -> Framework:
    """Parse and validate one framework file; the id and version must match its folder and name.

    Raises:
        FrameworkFileError: naming the file, the place in the YAML and the reason.
    """
    framework = read_model(path, Framework)
    problems = []
    if framework.id != path.parent.name:
        problems.append(("id", f"id '{framework.id}' must equal the folder '{path.parent.name}'"))
    if framework.version != path.stem:
        problems.append(
            ("version", f"version '{framework.version}' must equal the file name '{path.stem}'")
        )
    if problems:
        raise FrameworkFileError(path, problems)
    return framework


def _problems(exc: ValidationError, raw: dict[str, Any]) -> list[tuple[str, str]]:
    """Turn pydantic's error list into (YAML path, reason) pairs that name ids where known."""
    return [(_yaml_path(error["loc"], raw), error["msg"]) for error in exc.errors()]


def _yaml_path(loc: tuple[int | str, ...], raw: object) -> str:
    parts: list[str] = []
    node: object = raw
    for key in loc:
        if isinstance(key, int) and isinstance(node, list) and key < len(node):
            node = node[key]
            label = node.get("id") if isinstance(node, dict) else None
            parts.append(f"[{key}]" + (f"({label})" if label else ""))
            continue
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(key, str) and key in ("bands", "cumulative_gates", "mean_of_areas"):
            continue  # pydantic's discriminator tag, not a YAML key
        else:
            node = None
        parts.append(f".{key}" if parts else str(key))
    return "".join(parts)


def framework_files(root: Path = FRAMEWORKS_DIR) -> list[Path]:
    """Every released framework file under ``root``, sorted."""
    return sorted(root.glob("*/*.yaml"))


@functools.cache
def load_framework(framework_id: str, version: str | None = None) -> Framework:
    """A released framework; the newest version when ``version`` is None."""
    folder = FRAMEWORKS_DIR / framework_id
    files = sorted(folder.glob("*.yaml"), key=lambda p: version_key(p.stem))
    if not files:
        raise UnknownFrameworkError(f"no framework '{framework_id}' in {FRAMEWORKS_DIR}")
    if version is None:
        return load_framework_file(files[-1])
    path = folder / f"{version}.yaml"
    if not path.exists():
        known = ", ".join(p.stem for p in files)
        raise UnknownFrameworkError(
            f"framework '{framework_id}' has no version '{version}' (released: {known})"
        )
    return load_framework_file(path)


def load_all() -> dict[str, Framework]:
    """The newest version of every framework, keyed by id, in catalogue order."""
    ids = sorted({p.parent.name for p in framework_files()}, key=_catalogue_order)
    return {framework_id: load_framework(framework_id) for framework_id in ids}


CATALOGUE_ORDER = (
    "integration",
    "sme",
    "cmmm",
    "dcmm",
    "cdo",
    "dtm",
    "energy_carbon",
    "data_security",
)


def _catalogue_order(framework_id: str) -> tuple[int, str]:
    rank = CATALOGUE_ORDER.index(framework_id) if framework_id in CATALOGUE_ORDER else 99
    return rank, framework_id


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key for versions such as "2018.1" or "2026.10" (numeric parts compare as numbers)."""
    parts = version.replace("-", ".").split(".")
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)


def framework_versions(framework_id: str) -> list[str]:
    """The released versions of a framework, oldest first."""
    files = (FRAMEWORKS_DIR / framework_id).glob("*.yaml")
    return sorted((p.stem for p in files), key=version_key)
