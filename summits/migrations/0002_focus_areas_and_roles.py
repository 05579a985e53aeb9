from django.db import migrations

FOCUS_AREAS = [
    (1, "Transformative and assistive technology and information services", "Transformative technology"),
    (2, "Services available now and emerging", "Services now and emerging"),
    (3, "Improving operational efficiency with technology and data", "Operational efficiency"),
    (4, "The scale of information and technology threats and risks", "Threats and risks"),
    (
        5,
        "Making good technical and information decisions, and the support available to leaders",
        "Good decisions and support",
    ),
    (6, "Removing barriers and navigating the system", "Removing barriers"),
]

# Only what the organisers' pages check (they never use the admin site, which is for
# superusers): migration 0004 takes the old model permissions away from existing groups.
ORGANISER_PERMISSIONS = ["summits.manage_programme", "summits.view_outcomes"]
EVALUATOR_PERMISSIONS = ["summits.view_outcomes"]


def seed_focus_areas(apps, schema_editor):
    FocusArea = apps.get_model("summits", "FocusArea")
    for number, name, short_name in FOCUS_AREAS:
        FocusArea.objects.update_or_create(number=number, defaults={"name": name, "short_name": short_name})


def create_roles(apps, schema_editor):
    # Permissions are normally created after migrations run; create them now so the
    # groups can hold them. (The models_module trick works on the historical app registry
    # that migrations get, never on the real one.)
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    grant_role_permissions(apps)


def grant_role_permissions(apps):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codes in (("Organiser", ORGANISER_PERMISSIONS), ("Evaluator", EVALUATOR_PERMISSIONS)):
        group, _ = Group.objects.get_or_create(name=group_name)
        for code in codes:
            app_label, codename = code.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("summits", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(seed_focus_areas, migrations.RunPython.noop),
        migrations.RunPython(create_roles, migrations.RunPython.noop),
    ]
