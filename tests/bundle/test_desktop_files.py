"""The launcher entry, AppStream data, file type and icons, and the script that installs them.

Fast and without a build: install-desktop.sh runs against a stand-in app folder laid out the way
packaging/build.py lays out the real one.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from annotator.gui.desktop import APP_ID

REPO = Path(__file__).resolve().parent.parent.parent
LINUX = REPO / "packaging" / "linux"


def _build_module():
    spec = importlib.util.spec_from_file_location("annotator_build", REPO / "packaging" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _desktop_entry(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:] if line and not line.startswith("#"))


def test_the_files_agree_on_one_id_and_one_file_type() -> None:
    entry = _desktop_entry(LINUX / f"{APP_ID}.desktop")
    assert entry["Icon"] == APP_ID and entry["Exec"] == "annotator %f"
    component = ET.parse(LINUX / f"{APP_ID}.metainfo.xml").getroot()
    assert component.findtext("id") == APP_ID
    assert component.find("launchable").text == f"{APP_ID}.desktop"  # type: ignore[union-attr]
    mime = ET.parse(LINUX / f"{APP_ID}.mime.xml").getroot()
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    mime_type = mime.find("m:mime-type", ns)
    assert mime_type is not None and mime_type.find("m:glob", ns).get("pattern") == "*.annotator"  # type: ignore[union-attr]
    assert entry["MimeType"].rstrip(";") == mime_type.get("type")
    assert component.find("provides/mediatype").text == mime_type.get("type")  # type: ignore[union-attr]


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils is not installed")
def test_the_desktop_entry_validates() -> None:
    result = subprocess.run(["desktop-file-validate", str(LINUX / f"{APP_ID}.desktop")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout.lower()


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstream is not installed")
def test_the_metainfo_validates() -> None:
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(LINUX / f"{APP_ID}.metainfo.xml")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_png_icon_is_the_svg_rendered(qapp) -> None:
    import numpy
    from PySide6.QtGui import QImage

    png = QImage(str(REPO / "resources" / "icons" / "annotator.png"))
    assert (png.width(), png.height()) == (256, 256)
    spec = importlib.util.spec_from_file_location("render_icons", REPO / "packaging" / "render_icons.py")
    render_icons = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(render_icons)  # type: ignore[union-attr]
    fresh = render_icons.render(256).convertToFormat(QImage.Format.Format_ARGB32)
    png = png.convertToFormat(QImage.Format.Format_ARGB32)
    # Allow for antialiasing that differs between Qt versions, not for a different drawing.
    a = numpy.frombuffer(bytes(fresh.constBits()), dtype=numpy.uint8).astype(int)
    b = numpy.frombuffer(bytes(png.constBits()), dtype=numpy.uint8).astype(int)
    assert (numpy.abs(a - b) > 32).mean() < 0.0005, "resources/icons/annotator.png is stale: run python packaging/render_icons.py"


def test_install_desktop_installs_for_the_user_and_uninstalls(tmp_path: Path) -> None:
    app = tmp_path / "my apps" / "annotator"  # a space in the path: the Exec key must quote it
    app.mkdir(parents=True)
    executable = app / "annotator"
    executable.write_text("#!/bin/sh\necho stand-in\n")
    executable.chmod(0o755)
    _build_module().add_desktop_files(app)
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    result = subprocess.run(["bash", str(app / "install-desktop.sh")], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    data = home / ".local" / "share"
    entry = _desktop_entry(data / "applications" / f"{APP_ID}.desktop")
    assert entry["Exec"] == f'"{executable}" %f'
    assert entry["TryExec"] == str(executable)
    assert (data / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    assert (data / "mime" / "packages" / f"{APP_ID}.xml").is_file()
    assert (data / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    assert (home / ".local" / "bin" / "annotator").resolve() == executable
    if shutil.which("update-mime-database"):
        # The MIME database now maps the glob to the type: a file manager offers annotator for it.
        assert "application/x-annotator-project" in (data / "mime" / "globs2").read_text()
    result = subprocess.run(["bash", str(app / "install-desktop.sh"), "--uninstall"], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert not (data / "applications" / f"{APP_ID}.desktop").exists()
    assert not list((data / "icons").rglob(f"{APP_ID}.*"))
    assert not (home / ".local" / "bin" / "annotator").exists()


def test_install_desktop_refuses_a_folder_without_the_app(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    result = subprocess.run(
        ["bash", str(REPO / "packaging" / "install-desktop.sh"), str(tmp_path / "nowhere")], env=env, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "no annotator executable" in result.stderr
    assert not (tmp_path / ".local").exists()
