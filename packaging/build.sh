#!/usr/bin/env bash
# Build dist/annotator/ (the self-contained app) and its .tar.gz: see packaging/build.py.
# PYTHON chooses the interpreter that gets bundled (default: python3).
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${PYTHON:-python3}" packaging/build.py "$@"
