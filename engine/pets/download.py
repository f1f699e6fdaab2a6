"""Download the full Kaggle/Microsoft cats-and-dogs archive, check its SHA-256, unpack it safely.

The photos have no open licence (Petfinder/Asirra, "for research"), so the app never ships them;
each user fetches them. ``SOURCE`` is the configuration: the current Microsoft URL. Its SHA-256
is not recorded here because this project was built offline and we refuse to write down a
checksum we did not measure: pass ``sha256=`` (``--sha256``) to have it checked; ``fetch`` always
writes the SHA-256 it measured to dest/SHA256.txt. ``SOURCE_3367A`` is the older archive whose size
and SHA-256 are recorded by TensorFlow Datasets (url_checksums/cats_vs_dogs.txt).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

CHUNK = 1 << 20


@dataclass(frozen=True)
class Source:
    url: str
    sha256: str | None
    size: int | None
    note: str


SOURCE = Source(
    url="https://download.microsoft.com/download/3/E/1/3E1C3F21-ECDB-4869-8368-6DEBA77B919F/"
        "kagglecatsanddogs_5340.zip",
    sha256=None, size=None,
    note="Microsoft 'Kaggle Cats and Dogs Dataset' (PetImages/Cat, PetImages/Dog; 25,000 photos, "
         "some damaged, which the loader skips). Page: "
         "https://www.microsoft.com/en-us/download/details.aspx?id=54765")
SOURCE_3367A = Source(
    url="https://download.microsoft.com/download/3/E/1/3E1C3F21-ECDB-4869-8368-6DEBA77B919F/"
        "kagglecatsanddogs_3367a.zip",
    sha256="f9553e426bd725354ed3a27e3c6920caadb55c835d1ebd880d2e56d3f1fbb22b", size=824894548,
    note="The older archive of the same photos, as checksummed by TensorFlow Datasets.")


class DownloadError(ValueError):
    """The download failed, its checksum did not match, or the archive is unsafe or damaged."""


def fetch(url: str, dest: str | Path, sha256: str | None = None,
          progress: Callable[[int, int], None] | None = None, timeout: float = 60.0,
          keep_archive: bool = False) -> Path:
    """Download ``url`` (a .zip) into ``dest``, verify SHA-256 if given, unpack; return the photo folder.

    ``progress(bytes_done, bytes_total)`` is called per 1 MiB chunk (total 0 when the server does
    not say). Returns dest/PetImages when the archive has it, else dest.
    """
    if urlparse(url).scheme not in ("http", "https"):
        raise DownloadError(f"Only http(s) URLs can be downloaded; got {url!r}.")
    dest = Path(dest).expanduser()
    dest.mkdir(parents=True, exist_ok=True)
    archive = dest / (Path(urlparse(url).path).name or "download.zip")
    partial = archive.with_name(archive.name + ".partial")
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(partial, "wb") as out:
            total = int(response.headers.get("Content-Length") or 0)
            done = 0
            while chunk := response.read(CHUNK):
                out.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                if progress:
                    progress(done, max(total, done) if total else 0)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise DownloadError(f"Could not download {url}: {exc}. Check the internet connection.") from None
    measured = digest.hexdigest()
    if sha256 and measured.lower() != sha256.lower():
        partial.unlink(missing_ok=True)
        raise DownloadError(f"Checksum mismatch for {archive.name}: expected SHA-256 {sha256}, got "
                            f"{measured}. The file was deleted; try again or check the URL.")
    os.replace(partial, archive)
    extract(archive, dest)
    if not keep_archive:
        archive.unlink()
    (dest / "SHA256.txt").write_text(f"{measured}  {archive.name}\n")
    pet_images = dest / "PetImages"
    return pet_images if pet_images.is_dir() else dest


def extract(archive: str | Path, dest: str | Path) -> list[str]:
    """Unpack a zip into ``dest``, refusing members that would land outside it; returns their names."""
    dest = Path(dest).resolve()
    try:
        with zipfile.ZipFile(archive) as zf:
            names = zf.namelist()
            for name in names:
                target = (dest / name).resolve()
                if dest != target and dest not in target.parents:
                    raise DownloadError(f"The archive member {name!r} would be written outside "
                                        f"{dest}; refusing to unpack it.")
            for info in zf.infolist():
                target = dest / info.filename
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(target, "wb") as out:
                    shutil.copyfileobj(src, out)
    except zipfile.BadZipFile as exc:
        raise DownloadError(f"The downloaded file is not a valid zip archive: {exc}.") from None
    return names
