"""Build the self-contained app: ``dist/annotator/`` and ``dist/annotator-VERSION-PLATFORM.tar.gz``.

``python3 packaging/build.py`` (or ``packaging/build.sh``) makes a build venv (``build/venv``),
installs this checkout into it with the pinned bundler (the ``packaging`` extra), renders the icons,
runs PyInstaller on ``packaging/annotator.spec``, adds the desktop files and the installer script,
and packs the folder. Nothing here needs a network beyond the package index; nothing is left in
the user's Python. Works on Windows and macOS too (there the archive is a .zip; only Linux was tested).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "build"
DIST = REPO / "dist"
APP = DIST / "annotator"
APP_ID = "io.github.annotator.Annotator"


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(*command: str | Path, cwd: Path = REPO, **kwargs) -> None:
    print("+", " ".join(str(part) for part in command), flush=True)
    subprocess.run([str(part) for part in command], check=True, cwd=cwd, **kwargs)


def make_venv(venv: Path, python: str) -> Path:
    """The build venv with this checkout (not editable: the bundle must hold its files) and the bundler."""
    if not venv_python(venv).exists():
        run(python, "-m", "venv", venv)
    interpreter = venv_python(venv)
    # --force-reinstall --no-deps of annotator itself: the source may have changed since the last build.
    run(interpreter, "-m", "pip", "install", "-q", f"{REPO}[packaging]")
    run(interpreter, "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(REPO))
    return interpreter


def add_desktop_files(app: Path) -> None:
    """What ``install-desktop.sh`` installs, laid out under ``share/`` beside the executable."""
    share = app / "share"
    linux = REPO / "packaging" / "linux"
    for source, target in (
        (linux / f"{APP_ID}.desktop", share / "applications" / f"{APP_ID}.desktop"),
        (linux / f"{APP_ID}.metainfo.xml", share / "metainfo" / f"{APP_ID}.metainfo.xml"),
        (linux / f"{APP_ID}.mime.xml", share / "mime" / "packages" / f"{APP_ID}.xml"),
        (REPO / "resources" / "icons" / "annotator.svg", share / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"),
    ):
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    hicolor = BUILD / "icons" / "hicolor"
    if hicolor.is_dir():
        shutil.copytree(hicolor, share / "icons" / "hicolor", dirs_exist_ok=True)
    installer = app / "install-desktop.sh"
    shutil.copy2(REPO / "packaging" / "install-desktop.sh", installer)
    installer.chmod(0o755)


def strip_debug_symbols(app: Path) -> int:
    """Drop debug symbols from extension modules (Linux): spaCy's, thinc's and blis' ship with them.

    A 2.8 MB spaCy module strips to 0.5 MB. Libraries in ``*.libs`` folders are skipped: auditwheel
    rewrote them with patchelf and a stripped copy no longer loads. Returns the bytes saved.
    """
    strip = shutil.which("strip")
    if not sys.platform.startswith("linux") or strip is None:
        return 0
    before = folder_size(app)
    modules = [
        path for path in (app / "_internal").rglob("*.so*")
        if path.is_file() and not path.is_symlink() and not any(part.endswith(".libs") for part in path.parts)
    ]
    for start in range(0, len(modules), 200):
        subprocess.run([strip, "--strip-debug", *map(str, modules[start:start + 200])], check=True)
    return before - folder_size(app)


def archive(app: Path) -> Path:
    __version__ = re.search(r'__version__ = "([^"]+)"', (REPO / "annotator" / "__init__.py").read_text()).group(1)
    system = {"Linux": "linux", "Darwin": "macos", "Windows": "windows"}.get(platform.system(), platform.system().lower())
    stem = f"annotator-{__version__}-{system}-{platform.machine().lower()}"
    if os.name == "nt":
        out = DIST / f"{stem}.zip"
        with zipfile.ZipFile(out.with_suffix(".tmp"), "w", zipfile.ZIP_DEFLATED) as zipped:
            for path in sorted(app.rglob("*")):
                zipped.write(path, Path("annotator") / path.relative_to(app))
    else:
        out = DIST / f"{stem}.tar.gz"
        with tarfile.open(out.with_suffix(".tmp"), "w:gz", compresslevel=6) as tarred:
            tarred.add(app, arcname="annotator")
    out.with_suffix(".tmp").replace(out)  # never a half-written archive under the final name
    return out


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable, help="Interpreter for the build venv (it is the one bundled).")
    parser.add_argument("--venv", type=Path, default=BUILD / "venv", help="Build venv (default: build/venv).")
    parser.add_argument("--no-archive", action="store_true", help="Only the folder, no .tar.gz.")
    args = parser.parse_args(argv)
    started = time.monotonic()
    interpreter = make_venv(args.venv, args.python)
    installed = time.monotonic()
    icons = BUILD / "icons"
    run(interpreter, REPO / "packaging" / "render_icons.py", "--bundle-icons", icons)
    env = {**os.environ, "ANNOTATOR_ICON_DIR": str(icons)}
    run(interpreter, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN", "--distpath", DIST,
        "--workpath", BUILD / "pyinstaller", REPO / "packaging" / "annotator.spec", env=env,
        cwd=BUILD)  # not the checkout: its annotator/ would hide the installed one from the hooks
    saved = strip_debug_symbols(APP)
    if saved:
        print(f"Stripped debug symbols: {saved / 1e6:.0f} MB less")
    add_desktop_files(APP)
    bundled = time.monotonic()
    print(f"{APP}: {folder_size(APP) / 1e6:.0f} MB unpacked")
    if not args.no_archive:
        out = archive(APP)
        print(f"{out}: {out.stat().st_size / 1e6:.0f} MB")
    done = time.monotonic()
    print(
        f"Build took {done - started:.0f} s: venv and install {installed - started:.0f} s, "
        f"PyInstaller {bundled - installed:.0f} s, archive {done - bundled:.0f} s."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
