"""The library of outcome measures every office starts with.

The Ministry of Justice's victim-services outcome framework ("cope and
recover") and the measures commissioners commonly report beside it.
"""

from django.db import migrations

MOJ = "Ministry of Justice cope and recover outcomes"
REOFFENDING = "Reducing offending"
SERVICE = "Service quality"

MEASURES = [
    (
        MOJ,
        "Ability to cope with everyday life",
        "Service users reporting an improved ability to cope and build resilience.",
    ),
    (MOJ, "Feeling safer", "Service users reporting they feel safer."),
    (MOJ, "Health and wellbeing", "Service users reporting improved health and wellbeing."),
    (MOJ, "Quality of life", "Service users reporting an improved quality of life."),
    (
        MOJ,
        "Confidence in the criminal justice system",
        "Service users reporting greater confidence in the criminal justice system.",
    ),
    (MOJ, "Access to services", "Service users better able to access other services."),
    (MOJ, "Satisfaction with the service", "Service users satisfied with the service received."),
    (
        MOJ,
        "Engagement with the criminal justice system",
        "Victims engaging with the criminal justice process.",
    ),
    (
        REOFFENDING,
        "Reoffending",
        "Participants who have not reoffended, or further police involvement.",
    ),
    (REOFFENDING, "Completion of programme", "Participants completing the programme."),
    (
        REOFFENDING,
        "Understanding of healthy relationships",
        "Participants reporting better understanding of healthy relationships.",
    ),
    (REOFFENDING, "Family relationships", "Participants reporting improved family relationships."),
    (
        SERVICE,
        "Would recommend the service",
        "Service users who would recommend the service to others.",
    ),
    (SERVICE, "Referrals received", "Referrals into the service."),
    (SERVICE, "People supported", "People who received the service."),
    (SERVICE, "Appointments attended", "Appointments attended, or engagement rate."),
    (SERVICE, "Hours of support delivered", "Hours of one-to-one or group support delivered."),
    (SERVICE, "Response time", "Time from referral to first contact."),
    (SERVICE, "Complaints", "Complaints received."),
]


def add_measures(apps, schema_editor):
    Measure = apps.get_model("outcomes", "Measure")
    for family, name, description in MEASURES:
        Measure.objects.get_or_create(
            name=name, defaults={"family": family, "description": description}
        )


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]

    operations = [migrations.RunPython(add_measures, migrations.RunPython.noop)]
