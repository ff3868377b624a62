"""Where the shipped non-Python files are: beside the package in a wheel, at the top of a checkout."""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """`templates` or `migrations`: the wheel puts them in the package, a checkout one level up."""
    inside = _PACKAGE / name
    return inside if inside.is_dir() else _PACKAGE.parent / name
