"""The product installs and runs on its own: the built wheel in a fresh virtual environment,
away from the repository, identifies a document with its shipped rules and scans loopback."""

from __future__ import annotations

import json
import site
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HIKVISION_ISAPI = (
    "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\n\r\n"
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<DeviceInfo version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">'
    "<deviceName>IP CAMERA</deviceName><model>DS-2CD2042WD-I</model>"
    "<serialNumber>DS-2CD2042WD-I20160601AAWR111111111</serialNumber>"
    "<firmwareVersion>V5.4.0</firmwareVersion><firmwareReleasedDate>build 160530"
    "</firmwareReleasedDate></DeviceInfo>"
)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with only the wheel installed; third-party packages come from the test
    venv's site-packages through a .pth line (a plain path: its editable camscan finder is
    not activated, so the repository is not on the path)."""
    tmp = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp), str(ROOT)],
        check=True,
        timeout=300,
    )
    wheel = next(tmp.glob("camscan-*.whl"))
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    target = next(venv.glob("lib/python*/site-packages"))
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
         "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        timeout=300,
    )  # fmt: skip
    (target / "deps.pth").write_text(site.getsitepackages()[0] + "\n", encoding="utf-8")
    return venv


def run(venv: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(venv / "bin" / "camscan"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "HOME": str(cwd)},
    )


def test_the_installed_copy_is_the_wheel(installed: Path, tmp_path: Path) -> None:
    r = subprocess.run(
        [str(installed / "bin" / "python"), "-c", "import camscan; print(camscan.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    )
    assert r.stdout.startswith(str(installed)), r.stdout


def test_identify_with_the_shipped_rules(installed: Path, tmp_path: Path) -> None:
    doc = tmp_path / "doc.json"
    entry = {"port": 80, "path": "/ISAPI/System/deviceInfo", "raw": HIKVISION_ISAPI}
    doc.write_text(json.dumps({"http": [entry]}), encoding="utf-8")
    r = run(installed, tmp_path, "identify", str(doc))
    assert r.returncode == 0, r.stderr
    verdict = json.loads(r.stdout)
    assert verdict["manufacturer"] == "Hikvision" and verdict["model"] == "DS-2CD2042WD-I"


@pytest.fixture
def web_server() -> Iterator[int]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<html><title>printer</title></html>"
            self.send_response(404 if self.path != "/" else 200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()


def test_scan_of_loopback_with_the_installed_copy(
    installed: Path, tmp_path: Path, web_server: int
) -> None:
    r = run(installed, tmp_path, "--db", "inv.db", "scan", "127.0.0.1", "--ports", str(web_server))
    assert r.returncode == 0, r.stderr
    assert "1 of 1 addresses answered" in r.stderr
    r = run(installed, tmp_path, "--db", "inv.db", "devices", "--format", "json")
    assert [d["ip"] for d in json.loads(r.stdout)] == ["127.0.0.1"]


def test_the_product_wheel_runs_without_the_lab(installed: Path, tmp_path: Path) -> None:
    """The lab is its own distribution (lab/, camscan-lab): the product's wheel holds none of
    it, `camscan --help` lists no lab command, and camscan_lab is not importable there."""
    py = str(installed / "bin" / "python")
    r = subprocess.run(
        [py, "-c", "import camscan_lab"], capture_output=True, text=True, cwd=tmp_path
    )
    assert r.returncode != 0 and "No module named 'camscan_lab'" in r.stderr
    assert not list(installed.glob("lib/python*/site-packages/camscan/lab"))
    assert not (installed / "bin" / "camscan-lab").exists()
    r = run(installed, tmp_path, "--help")
    assert r.returncode == 0 and " scan " in r.stdout and " lab " not in r.stdout
    assert run(installed, tmp_path, "lab", "up").returncode == 2
