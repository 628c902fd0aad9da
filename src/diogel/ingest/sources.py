"""Find input files: plain files, folders (recursively) and zip archives, in a stable order."""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from diogel.errors import InputError, NotFoundError


@dataclass(frozen=True)
class SourceFile:
    """One CSV to read: a file on disk, or a member of a zip archive.

    Examples
    --------
    >>> SourceFile(path=Path("a.csv")).name
    'a.csv'
    >>> SourceFile(path=Path("2024-06.zip"), member="2024-06/2024-06-gwent-street.csv").name
    '2024-06.zip:2024-06/2024-06-gwent-street.csv'
    """

    path: Path
    member: str | None = None

    @property
    def name(self) -> str:
        """How the file is named in messages and provenance."""
        return f"{self.path.name}:{self.member}" if self.member else self.path.name

    @property
    def basename(self) -> str:
        """The file name without folders, used to read force and month from it."""
        return Path(self.member).name if self.member else self.path.name

    def size(self) -> int:
        """Uncompressed size in bytes."""
        if self.member is None:
            return self.path.stat().st_size
        with zipfile.ZipFile(self.path) as zf:
            return zf.getinfo(self.member).file_size

    def read_head(self, size: int = 4096) -> bytes:
        """The first bytes of the file (enough for its header line)."""
        if self.member is None:
            with self.path.open("rb") as fh:
                return fh.read(size)
        with zipfile.ZipFile(self.path) as zf, zf.open(self.member) as fh:
            return fh.read(size)

    def read_bytes(self) -> bytes:
        """The raw bytes of the file."""
        if self.member is None:
            return self.path.read_bytes()
        try:
            with zipfile.ZipFile(self.path) as zf:
                return zf.read(self.member)
        except (zipfile.BadZipFile, OSError) as exc:
            raise InputError(
                f"could not read '{self.member}' from zip archive '{self.path}' ({exc})",
                hint="the archive may be damaged; download it again",
            ) from exc


def sha256_of(data: bytes) -> str:
    """SHA-256 of some bytes, as hex.

    Examples
    --------
    >>> sha256_of(b"")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(data).hexdigest()


def _zip_members(path: Path, suffix: str) -> list[SourceFile]:
    try:
        with zipfile.ZipFile(path) as zf:
            names = sorted(
                n for n in zf.namelist() if n.lower().endswith(suffix) and not n.endswith("/")
            )
    except zipfile.BadZipFile as exc:
        raise InputError(
            f"'{path}' is not a readable zip archive ({exc})",
            hint="download the archive again from data.police.uk",
        ) from exc
    if not names:
        raise InputError(
            f"zip archive '{path}' holds no {suffix} files",
            hint="a data.police.uk archive holds folders of YYYY-MM-force-street.csv files; "
            "check you downloaded the right archive",
        )
    return [SourceFile(path=path, member=n) for n in names]


def discover(paths: Sequence[str | Path], *, suffix: str = ".csv") -> list[SourceFile]:
    """Expand the paths a user gave into the files to read.

    Parameters
    ----------
    paths : sequence of str or Path
        Files, folders (searched recursively, zip archives inside included) and zip archives.
    suffix : str
        File ending to look for inside folders and archives.

    Returns
    -------
    list of SourceFile
        In a stable order: as given, and sorted by name within folders and archives.

    Raises
    ------
    NotFoundError
        A path does not exist.
    InputError
        No paths were given, or a folder or archive holds no matching files.
    """
    if not paths:
        raise InputError("no files given", hint="name one or more CSV files, folders or zips")
    found: list[SourceFile] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise NotFoundError(
                f"'{path}' does not exist", hint="check the path; use quotes if it has spaces"
            )
        if path.is_dir():
            found.extend(_walk_folder(path, suffix))
        elif path.suffix.lower() == ".zip":
            found.extend(_zip_members(path, suffix))
        else:
            found.append(SourceFile(path=path))
    return _unique(found)


def _walk_folder(folder: Path, suffix: str) -> list[SourceFile]:
    files: list[SourceFile] = []
    for p in sorted(folder.rglob("*")):
        if not p.is_file() or p.name.startswith("."):
            continue
        if p.name.lower().endswith(suffix):
            files.append(SourceFile(path=p))
        elif p.suffix.lower() == ".zip":
            files.extend(_zip_members(p, suffix))
    if not files:
        raise InputError(
            f"folder '{folder}' holds no {suffix} files or zip archives",
            hint="point at the folder you unpacked the data.police.uk download into",
        )
    return files


def _unique(files: Iterable[SourceFile]) -> list[SourceFile]:
    seen: set[tuple[Path, str | None]] = set()
    out = []
    for f in files:
        key = (f.path.resolve(), f.member)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
