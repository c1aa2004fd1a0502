"""Adding to the project's schema from the window: a new entity label (Labels > New label…) and a
new relation type (Annotate > New relation type…, or the "New relation type…" entry of the
relation chooser). The rules (the naming rule, a free key, a colour) are the model's
(:mod:`annotator.model.schema_edits`); the session saves the schema through the store in one
transaction and the window refreshes its keys, palette and choosers from it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6.QtWidgets import QInputDialog, QLineEdit

from annotator.gui.actions import ActionSpec, install_actions
from annotator.model.schema import LabelSchema, SchemaError
from annotator.model.schema_edits import add_entity_label, add_relation_type

if TYPE_CHECKING:
    from annotator.gui.window_api import EditingWindow

SCHEMA_ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("new_label", "&New label…", "new_label", "Labels", (), "Add an entity label (with a free key) to the project's schema"),
    ActionSpec("new_relation_type", "New relation t&ype…", "new_relation_type", "Annotate", (), "Add a relation type to the project's schema"),
)


def ask_name(window: EditingWindow, title: str, prompt: str, then: Callable[[str], None]) -> QInputDialog:
    """Ask for a name without blocking (the window stays responsive, tests can answer)."""
    dialog = QInputDialog(window)
    dialog.setObjectName("name_dialog")
    dialog.setWindowTitle(title)
    dialog.setLabelText(prompt)
    dialog.setInputMode(QInputDialog.InputMode.TextInput)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
    dialog.textValueSelected.connect(lambda text: then(text))
    window.open_chooser(dialog)
    return dialog


class SchemaEditor:
    def __init__(self, window: EditingWindow):
        self.window = window
        self.actions = install_actions(window, SCHEMA_ACTIONS, window.view, window.toolbar, window.menus, (self,))

    def _save(self, change: Callable[[LabelSchema], LabelSchema], what: str) -> LabelSchema | None:
        window = self.window
        try:
            schema = change(window.session.schema)
        except SchemaError as error:
            window.say(f"{what} not added: {error.message}", error=True)
            return None
        window.session.set_schema(schema)
        return schema

    def add_label(self, name: str) -> str | None:
        """Add entity label ``name``; returns its key ("" when none was free), None if refused."""
        schema = self._save(lambda s: add_entity_label(s, name), "Label")
        if schema is None:
            return None
        label = schema.entities[-1]
        self.window.say(f"Label {label.name} added" + (f": key {label.key.upper()}." if label.key else " (no key is free)."))
        return label.key

    def add_relation_type(self, name: str) -> str | None:
        """Add relation type ``name`` (any label at either end); returns its name, None if refused."""
        schema = self._save(lambda s: add_relation_type(s, name), "Relation type")
        if schema is None:
            return None
        self.window.say(f"Relation type {schema.relations[-1].name} added.")
        return schema.relations[-1].name

    def new_label(self) -> None:
        ask_name(self.window, "New label", "Name of the new entity label (no spaces):", self.add_label)

    def new_relation_type(self, then: Callable[[str], None] | None = None) -> None:
        def named(name: str) -> None:
            added = self.add_relation_type(name)
            if added and then is not None:
                then(added)

        ask_name(self.window, "New relation type", "Name of the new relation type (no spaces):", named)
