from django.db import migrations, models


def one_row_per_moment(apps, schema_editor):
    """Rows recorded before tags existed name everything ("*"); two at one moment (a save at a
    publish time) would break the new constraint, and say the same."""
    ContentChange = apps.get_model("portal", "ContentChange")
    seen = set()
    for change in ContentChange.objects.order_by("-scheduled", "pk"):
        if change.changed_at in seen:
            change.delete()
        seen.add(change.changed_at)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0010_name_words"),
    ]

    operations = [
        migrations.AddField(
            model_name="contentchange",
            name="tag",
            field=models.CharField(default="*", max_length=200),
        ),
        migrations.RunPython(one_row_per_moment, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="contentchange",
            constraint=models.UniqueConstraint(
                fields=("tag", "changed_at"), name="portal_change_per_tag"
            ),
        ),
    ]
