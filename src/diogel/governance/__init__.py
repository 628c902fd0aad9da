"""Governance map and review tracker: bodies, duties, people, coverage, load, reviews, drift.

A region keeps a register (YAML or CSV): its council areas, the boards and
partnerships, the statutory duties, which body discharges which duty where, who sits
on what, and the reviews it runs. Diogel checks it, stores it, and answers the
questions a Public Services Board asks: is every duty discharged in every council area
(coverage), who carries the load, where do agendas overlap, and is the review on
track (drift alerts and the update paper for each meeting).

Examples
--------
>>> reg = example_register("gwent")
>>> [reg.council_label(c) for c in reg.councils]
['Blaenau Gwent', 'Caerphilly', 'Monmouthshire', 'Newport', 'Torfaen']
>>> [r.id for r in reg.reviews[0].recommendations]
['6.1', '6.2', '6.3', '6.4']
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Final

from diogel.errors import InputError, NotFoundError
from diogel.governance.model import Register
from diogel.governance.sources import (
    RegisterError,
    read_csv_folder,
    read_yaml,
    read_yaml_bytes,
)
from diogel.governance.validate import build_register

#: Registers shipped with Diogel, by name.
EXAMPLES: Final = ("gwent",)


def read_register_file(path: str | Path) -> Register:
    """Read and check a register: a ``.yaml``/``.yml`` file or a folder of CSV files.

    Raises
    ------
    NotFoundError
        If the path does not exist.
    RegisterError
        For the first problem in the file, naming the file, line and fix.
    """
    source = Path(path)
    if not source.exists():
        raise NotFoundError(
            f"'{source}' does not exist",
            hint="give a register YAML file, a folder of register CSV files, or --example gwent",
        )
    if source.is_dir():
        return build_register(read_csv_folder(source))
    if source.suffix.lower() not in {".yaml", ".yml"}:
        raise InputError(
            f"cannot read a register from '{source.name}'",
            hint="use a .yaml file or a folder of CSV files written by 'governance export'",
        )
    return build_register(read_yaml(source))


def read_register_upload(data: bytes, name: str) -> Register:
    """Read and check an uploaded register YAML file, exactly as
    :func:`read_register_file` reads one from disk (``name`` is used in messages).

    Raises
    ------
    InputError
        If the name does not end in .yaml or .yml.
    RegisterError
        For the first problem in the file, naming the file, line and fix.
    """
    shown = Path(name.replace("\\", "/")).name or "register.yaml"
    if Path(shown).suffix.lower() not in {".yaml", ".yml"}:
        raise InputError(
            f"cannot read a register from '{shown}'",
            hint="upload a .yaml file, such as one downloaded from Diogel",
        )
    return build_register(read_yaml_bytes(data, shown))


def example_path(name: str) -> Path:
    """The bundled YAML of an example register."""
    if name not in EXAMPLES:
        raise NotFoundError(f"no example register called '{name}'", hint="use: gwent")
    return Path(str(resources.files("diogel.governance") / "examples" / f"{name}.yaml"))


def example_register(name: str) -> Register:
    """A bundled example register, checked as any file is."""
    return read_register_file(example_path(name))


__all__ = [
    "EXAMPLES",
    "Register",
    "RegisterError",
    "example_path",
    "example_register",
    "read_register_file",
    "read_register_upload",
]
