"""Partner levels are history: rows are added, never changed (deleting a topic still removes
its rows). The database refuses UPDATE on SQLite and PostgreSQL alike."""

from django.db import migrations


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            "CREATE TRIGGER outreach_partnerlevel_no_update BEFORE UPDATE ON outreach_partnerlevel "
            "BEGIN SELECT RAISE(ABORT, 'partner levels are append-only'); END;"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            "CREATE FUNCTION outreach_partnerlevel_guard() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'partner levels are append-only'; END; $$ LANGUAGE plpgsql;"
        )
        schema_editor.execute(
            "CREATE TRIGGER outreach_partnerlevel_no_update BEFORE UPDATE ON outreach_partnerlevel "
            "FOR EACH ROW EXECUTE FUNCTION outreach_partnerlevel_guard();"
        )


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS outreach_partnerlevel_no_update;")
    elif vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS outreach_partnerlevel_no_update ON outreach_partnerlevel;"
        )
        schema_editor.execute("DROP FUNCTION IF EXISTS outreach_partnerlevel_guard();")


class Migration(migrations.Migration):
    dependencies = [("outreach", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
