"""The team hub: a PostgreSQL database that analysts' project files sync with.

This package is the only code that talks to PostgreSQL. The driver (psycopg 3) is an optional
extra, imported lazily, so the local-only app installs and runs without it.
"""
