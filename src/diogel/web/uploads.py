"""Uploaded police.uk files: checked names, streamed to disk, handed to a load job."""

from __future__ import annotations

import re
import secrets
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from starlette.datastructures import UploadFile

from diogel.errors import InputError
from diogel.web.accounts import User
from diogel.web.context import AppState

#: Largest upload accepted, all files together.
MAX_UPLOAD_BYTES: Final = 2 * 1024**3
_SAFE: Final = re.compile(r"[^A-Za-z0-9._-]+")
_CHUNK: Final = 1024 * 1024


def safe_name(name: str) -> str:
    """A file name safe to write: no folders, only plain characters, ``.csv`` or ``.zip``.

    Examples
    --------
    >>> safe_name("../../2024-01-gwent-street.csv")
    '2024-01-gwent-street.csv'
    >>> safe_name("notes.txt")
    Traceback (most recent call last):
    ...
    diogel.errors.InputError: 'notes.txt' is not a police.uk CSV file or zip archive. Hint: upload the .csv files or monthly .zip archives from data.police.uk
    """
    base = _SAFE.sub("-", Path(name.replace("\\", "/")).name).strip(".-") or "upload"
    if not base.lower().endswith((".csv", ".zip")):
        raise InputError(
            f"'{name}' is not a police.uk CSV file or zip archive",
            hint="upload the .csv files or monthly .zip archives from data.police.uk",
        )
    return base


async def start_upload(state: AppState, user: User, files: Sequence[UploadFile]) -> int:
    """Save the uploaded files in a fresh folder and start a load job; the job's id."""
    chosen = [f for f in files if f.filename]
    if not chosen:
        raise InputError("no file was uploaded", hint="choose one or more police.uk files")
    names = [safe_name(f.filename or "") for f in chosen]
    folder = state.uploads_dir / secrets.token_hex(8)
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    try:
        for upload, name in zip(chosen, names, strict=True):
            target = folder / name
            stem, n = target.stem, 1
            while target.exists():  # two files of one name: keep both
                target, n = folder / f"{stem}-{n}{target.suffix}", n + 1
            with target.open("wb") as out:
                while chunk := await upload.read(_CHUNK):
                    total += len(chunk)
                    if total > MAX_UPLOAD_BYTES:
                        raise InputError(
                            "the upload is too large",
                            hint=f"send at most {MAX_UPLOAD_BYTES // 1024**3} GB at a time",
                        )
                    out.write(chunk)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    job_id: int = state.jobs.submit_upload(user, folder, names)
    return job_id
