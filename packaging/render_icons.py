"""Render the application icon from ``resources/icons/annotator.svg`` with Qt's own SVG renderer.

``python packaging/render_icons.py`` rewrites ``resources/icons/annotator.png`` (256 px, committed);
``--bundle-icons DIR`` also writes what the bundler wants per platform: ``annotator.ico`` (Windows)
and ``annotator.icns`` (macOS), through Qt's ico/icns image plugins, plus hicolor PNGs
(48, 128, 256 px) for the Linux launcher.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SVG = REPO / "resources" / "icons" / "annotator.svg"
PNG = REPO / "resources" / "icons" / "annotator.png"
HICOLOR_SIZES = (48, 128, 256)


def render(size: int):  # -> QImage
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"{SVG}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def save(image, path: Path, fmt: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(path), fmt):
        raise SystemExit(f"could not write {path} (Qt has no {fmt} image writer here)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle-icons", type=Path, help="Folder for annotator.ico, annotator.icns and hicolor PNGs.")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (painting needs one)
    save(render(256), PNG, "PNG")
    if args.bundle_icons:
        out: Path = args.bundle_icons
        save(render(256), out / "annotator.ico", "ICO")
        save(render(256), out / "annotator.icns", "ICNS")
        for size in HICOLOR_SIZES:
            save(render(size), out / "hicolor" / f"{size}x{size}" / "apps" / "io.github.annotator.Annotator.png", "PNG")
    return 0


if __name__ == "__main__":
    sys.exit(main())
