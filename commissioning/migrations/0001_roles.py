"""The register's three roles, as groups with model permissions.

viewer:        reads every register page and PDF (view_* on the register's models).
editor:        also adds and changes everything in admin and imports spreadsheets;
               deletes only child rows (values, options, outcomes, partners):
               contracts and providers are archived, never deleted.
administrator: an editor who also manages users, roles and login lockouts.

Editors and administrators are staff (they use the admin); commissioning.roles
keeps is_staff in step with the groups.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REGISTER_APPS = ["providers", "contracts", "outcomes"]
DELETABLE_CHILD_ROWS = [
    ("contracts", "contractvalue"),
    ("contracts", "extensionoption"),
    ("contracts", "contractpartner"),
    ("outcomes", "outcome"),
]
IMPORT_PERMISSION = (
    "contracts",
    "contract",
    "import_register",
    "Can import the register from a spreadsheet",
)
ADMINISTRATION_MODELS = [
    ("auth", "user"),
    ("auth", "group"),
    ("axes", "accessattempt"),
    ("axes", "accessfailurelog"),
    ("axes", "accesslog"),
]


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")

    app_label, model, codename, name = IMPORT_PERMISSION
    import_permission, _ = Permission.objects.get_or_create(
        content_type=ContentType.objects.get(app_label=app_label, model=model),
        codename=codename,
        defaults={"name": name},
    )

    register = Permission.objects.filter(content_type__app_label__in=REGISTER_APPS)
    view = list(register.filter(codename__startswith="view_"))
    # History is evidence: nobody adds or edits historical records by hand.
    add_change = list(
        register.filter(codename__regex=r"^(add|change)_").exclude(codename__contains="_historical")
    )
    child_deletes = [
        Permission.objects.get(content_type__app_label=app, codename=f"delete_{model}")
        for app, model in DELETABLE_CHILD_ROWS
    ]
    administration = list(
        Permission.objects.filter(
            content_type__in=[
                ContentType.objects.get(app_label=app, model=model)
                for app, model in ADMINISTRATION_MODELS
                if ContentType.objects.filter(app_label=app, model=model).exists()
            ]
        )
    )

    viewer, _ = Group.objects.get_or_create(name="viewer")
    viewer.permissions.set(view)
    editor, _ = Group.objects.get_or_create(name="editor")
    editor.permissions.set([*view, *add_change, *child_deletes, import_permission])
    administrator, _ = Group.objects.get_or_create(name="administrator")
    administrator.permissions.set(
        [*view, *add_change, *child_deletes, import_permission, *administration]
    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["viewer", "editor", "administrator"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("axes", "0010_accessattemptexpiration"),
        ("providers", "0001_initial"),
        ("contracts", "0001_initial"),
        ("outcomes", "0002_measure_library"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
