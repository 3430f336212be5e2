"""Make the points ledger append-only in the database itself, as the access log is (see
megafonen.core.append_only): no UPDATE, and no DELETE outside a purge (``PointsPurge``).
A correction is a new line."""

from django.db import migrations

from megafonen.core.append_only import append_only_operation


class Migration(migrations.Migration):
    dependencies = [("needs", "0001_initial")]

    operations = [
        append_only_operation(
            table="needs_pointsentry",
            purge_table="needs_pointspurge",
            message="the points ledger is append-only",
        )
    ]
