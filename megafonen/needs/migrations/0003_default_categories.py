"""The four categories of the city's needs box: work, leisure, housing and other."""

from django.db import migrations

from megafonen.needs.defaults import DEFAULT_CATEGORIES


def forward(apps, schema_editor):
    Category = apps.get_model("needs", "Category")
    for order, (code, icon, names) in enumerate(DEFAULT_CATEGORIES, start=1):
        Category.objects.get_or_create(
            code=code, defaults={"icon": icon, "names": names, "order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("needs", "0002_points_ledger_append_only")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
