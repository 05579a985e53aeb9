"""The Organiser group keeps only the two permissions its pages check. It used to hold add,
change and view permissions on the programme's models, which only the admin site reads and
which organisers must not have there."""

from django.db import migrations

KEPT = {"manage_programme", "view_outcomes"}


def narrow_organiser_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name="Organiser").first()
    if group is not None:
        group.permissions.remove(*group.permissions.exclude(codename__in=KEPT))


class Migration(migrations.Migration):
    dependencies = [("summits", "0003_session_access_session_places_taken_and_more")]

    operations = [migrations.RunPython(narrow_organiser_permissions, migrations.RunPython.noop)]
