"""Database triggers that keep a ledger append-only, for migrations to install.

UPDATE is always refused. DELETE is refused unless an open purge row in ``purge_table`` covers
the row (``is_open`` and ``cutoff`` above the row's ``occurred_at``): a retention purge opens
and closes such a row inside one transaction. On PostgreSQL, TRUNCATE of a non-empty ledger is
refused the same way. The statements must stay as they are once a migration has used them.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import migrations


def _sqlite(table: str, purge_table: str, message: str) -> tuple[list[str], list[str]]:
    forward = [
        f"""
        CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
        BEGIN SELECT RAISE(ABORT, '{message}'); END;
        """,
        f"""
        CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
        WHEN NOT EXISTS (
            SELECT 1 FROM {purge_table}
            WHERE is_open AND OLD.occurred_at < {purge_table}.cutoff
        )
        BEGIN SELECT RAISE(ABORT, '{message}'); END;
        """,  # noqa: S608  (names checked by _checked; no user input)
    ]
    backward = [
        f"DROP TRIGGER IF EXISTS {table}_no_update;",
        f"DROP TRIGGER IF EXISTS {table}_no_delete;",
    ]
    return forward, backward


def _postgresql(table: str, purge_table: str, message: str) -> tuple[list[str], list[str]]:
    forward = [
        f"""
        CREATE FUNCTION {table}_guard() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'UPDATE' THEN
                RAISE EXCEPTION '{message}';
            ELSIF TG_OP = 'DELETE' THEN
                IF NOT EXISTS (
                    SELECT 1 FROM {purge_table}
                    WHERE is_open AND OLD.occurred_at < {purge_table}.cutoff
                ) THEN
                    RAISE EXCEPTION '{message}';
                END IF;
                RETURN OLD;
            ELSIF TG_OP = 'TRUNCATE' THEN
                IF EXISTS (SELECT 1 FROM {table}) AND NOT EXISTS (
                    SELECT 1 FROM {purge_table} WHERE is_open
                ) THEN
                    RAISE EXCEPTION '{message}';
                END IF;
                RETURN NULL;
            END IF;
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql;
        """,  # noqa: S608  (names checked by _checked; no user input)
        f"""
        CREATE TRIGGER {table}_guard_rows BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION {table}_guard();
        """,
        f"""
        CREATE TRIGGER {table}_guard_truncate BEFORE TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION {table}_guard();
        """,
    ]
    backward = [
        f"DROP TRIGGER IF EXISTS {table}_guard_truncate ON {table};",
        f"DROP TRIGGER IF EXISTS {table}_guard_rows ON {table};",
        f"DROP FUNCTION IF EXISTS {table}_guard();",
    ]
    return forward, backward


_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")
_MESSAGE = re.compile(r"[a-z -]+")


def _checked(table: str, purge_table: str, message: str) -> None:
    if not (_IDENTIFIER.fullmatch(table) and _IDENTIFIER.fullmatch(purge_table)):
        raise ValueError("Table names must be plain lower-case identifiers")
    if not _MESSAGE.fullmatch(message):
        raise ValueError("The message must be plain lower-case words")


def append_only_operation(*, table: str, purge_table: str, message: str) -> migrations.RunPython:
    _checked(table, purge_table, message)
    builders = {"sqlite": _sqlite, "postgresql": _postgresql}

    def run(schema_editor: Any, *, backwards: bool) -> None:
        builder = builders.get(schema_editor.connection.vendor)
        if builder is None:
            return
        forward, backward = builder(table, purge_table, message)
        for statement in backward if backwards else forward:
            schema_editor.execute(statement)

    return migrations.RunPython(
        lambda apps, schema_editor: run(schema_editor, backwards=False),
        lambda apps, schema_editor: run(schema_editor, backwards=True),
    )
