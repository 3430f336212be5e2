"""Make the access log append-only in the database itself (see megafonen.core.append_only):
no UPDATE, and no DELETE outside a retention purge (``AccessLogPurge``)."""

from django.db import migrations

from megafonen.core.append_only import append_only_operation


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        append_only_operation(
            table="core_accesslogentry",
            purge_table="core_accesslogpurge",
            message="the access log is append-only",
        )
    ]
