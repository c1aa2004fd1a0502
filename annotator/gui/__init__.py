"""The window: Qt widgets and item models that adapt the domain. No SQL and no business rules here."""
