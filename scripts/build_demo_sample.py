"""Rebuild the bundled demo sample: two years of real Gwent police.uk data.

The sample is data.police.uk street crime and outcomes for Gwent Police, July 2022 to
June 2024, copied unchanged into a zip laid out like a data.police.uk archive
(``YYYY-MM/YYYY-MM-gwent-street.csv``). It is compressed with LZMA to keep the package
small. Run from the project root with ``../shared`` beside it::

    python scripts/build_demo_sample.py
"""

from __future__ import annotations

import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "data" / "police-uk"
TARGET = ROOT / "src" / "diogel" / "data" / "demo" / "gwent-2022-07-to-2024-06.zip"
FIRST, LAST = "2022-07", "2024-06"


def main() -> None:
    files = []
    for kind in ("street", "outcomes"):
        for path in sorted((SOURCE / kind / "gwent").glob(f"*-gwent-{kind}.csv")):
            if FIRST <= path.name[:7] <= LAST:
                files.append(path)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(TARGET, "w", zipfile.ZIP_LZMA) as archive:
        for path in files:
            info = zipfile.ZipInfo(f"{path.name[:7]}/{path.name}", date_time=(2024, 7, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_LZMA
            archive.writestr(info, path.read_bytes())
    print(f"wrote {TARGET} ({TARGET.stat().st_size / 1e6:.1f} MB, {len(files)} files)")


if __name__ == "__main__":
    main()
