"""engine.pets.download against a zip served by http.server on 127.0.0.1 (never the internet)."""

import functools
import hashlib
import http.server
import io
import threading
import zipfile

import pytest
from PIL import Image

from engine.pets import data as pet_data
from engine.pets.__main__ import main
from engine.pets.download import SOURCE, DownloadError, extract, fetch


def photo(colour) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (30, 20), colour).save(buf, "JPEG")
    return buf.getvalue()


def make_zip(path, members: dict[str, bytes]) -> bytes:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path.read_bytes()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def served(tmp_path):
    """A local HTTP server over tmp_path/www; yields (folder, base URL)."""
    www = tmp_path / "www"
    www.mkdir()
    handler = functools.partial(QuietHandler, directory=str(www))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield www, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def pet_images_zip(www):
    members = {f"PetImages/Cat/{i}.jpg": photo((220, 140, 40)) for i in range(3)}
    members |= {f"PetImages/Dog/{i}.jpg": photo((30, 80, 210)) for i in range(3)}
    members["PetImages/Dog/666.jpg"] = b""  # the real archive has damaged files too
    return make_zip(www / "pets.zip", members)


def test_fetch_downloads_verifies_checksum_unpacks_and_reports_progress(served, tmp_path):
    www, url = served
    archive = pet_images_zip(www)
    calls = []
    folder = fetch(f"{url}/pets.zip", tmp_path / "out", sha256=hashlib.sha256(archive).hexdigest(),
                   progress=lambda done, total: calls.append((done, total)))
    assert folder == tmp_path / "out" / "PetImages"
    assert calls[-1] == (len(archive), len(archive))
    assert sorted(p.name for p in (folder / "Cat").iterdir()) == ["0.jpg", "1.jpg", "2.jpg"]
    assert not (tmp_path / "out" / "pets.zip").exists()  # archive removed after unpacking
    # The unpacked folder is a data set the loader reads, skipping the damaged file.
    d = pet_data.load(folder, size=8, cache_dir=tmp_path / "cache", test_fraction=0.34)
    assert len(d.y_train) + len(d.y_test) == 6 and len(d.skipped) == 1


def test_checksum_mismatch_deletes_the_file_and_raises(served, tmp_path):
    www, url = served
    pet_images_zip(www)
    with pytest.raises(DownloadError, match="Checksum mismatch"):
        fetch(f"{url}/pets.zip", tmp_path / "out", sha256="0" * 64)
    assert list((tmp_path / "out").iterdir()) == []


def test_missing_file_on_the_server_is_a_download_error(served, tmp_path):
    _, url = served
    with pytest.raises(DownloadError, match="Could not download"):
        fetch(f"{url}/nothing.zip", tmp_path / "out")


def test_archive_members_escaping_the_folder_are_refused(tmp_path):
    bad = tmp_path / "evil.zip"
    make_zip(bad, {"../outside.txt": b"x"})
    with pytest.raises(DownloadError, match="outside"):
        extract(bad, tmp_path / "dest")
    assert not (tmp_path / "outside.txt").exists()


def test_only_http_urls_are_fetched(tmp_path):
    with pytest.raises(DownloadError, match="Only http"):
        fetch("file:///etc/passwd", tmp_path)


def test_download_command_shows_progress_and_the_env_var_to_set(served, tmp_path, capsys):
    www, url = served
    archive = pet_images_zip(www)
    status = main(["download", "--out", str(tmp_path / "out"), "--url", f"{url}/pets.zip",
                   "--sha256", hashlib.sha256(archive).hexdigest()])
    printed = capsys.readouterr()
    assert status == 0
    assert "downloading [" in printed.err and "100%" in printed.err
    assert f"{pet_data.ENV_DATA}={tmp_path / 'out' / 'PetImages'}" in printed.out
    assert f"SHA-256 {hashlib.sha256(archive).hexdigest()}: matches --sha256" in printed.out


def test_default_source_is_microsofts_archive():
    assert SOURCE.url.startswith("https://download.microsoft.com/") and SOURCE.url.endswith(".zip")
