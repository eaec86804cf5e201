"""The excluded categories and export methods the register stated in code before legal wrote
them: an installation keeps publishing what it published, and legal edits it from here."""

from django.db import migrations

EXCLUDED = [
    (
        "internal_architecture",
        "Internal architecture",
        "Infrastructure and deployment configuration, network layout, service topology and "
        "internal interfaces of the platform.",
        "Specific to the internal functioning of the service and shared by all customers; "
        "publishing it would disclose trade secrets and weaken security. It holds no data of the "
        "customer, so leaving it out does not impede switching.",
    ),
    (
        "proprietary_algorithms_and_models",
        "Proprietary algorithms and models",
        "The models that match visits to organisations and score leads: their code, parameters "
        "and training data.",
        "Trade secrets of the provider (Data Act Art. 25(2)(f)). Their outputs about the "
        "customer's data are exported: lead_score in leads, and the matches in "
        "organisation_profiles.",
    ),
    (
        "internal_monitoring_tools",
        "Internal monitoring tools",
        "Service logs, metrics, traces and alerting used to operate the platform.",
        "Operational data of the provider that mixes every customer's traffic; exporting it "
        "would disclose other customers' data and internal functioning. Customer activity that "
        "matters for switching is exported in the categories above.",
    ),
    (
        "internal_security_processes",
        "Internal security processes",
        "Fraud and abuse detection rules, security event logs and incident-response procedures.",
        "Disclosure would help attackers and weaken the protection of all customers; they are "
        "specific to the internal functioning of the service.",
    ),
]

METHODS = [
    (
        "ui",
        "Signed-in users choose categories, format and period in the portal and download one "
        "archive through a link that expires.",
    ),
    (
        "api",
        "The REST API exports every category, including reports offered only there, with the "
        "organisation's API key.",
    ),
]


def forwards(apps, schema_editor):
    excluded = apps.get_model("exports", "ExcludedCategory")
    methods = apps.get_model("exports", "SwitchingMethod")
    for order, (slug, name, description, justification) in enumerate(EXCLUDED):
        excluded.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "justification": justification,
                "order": order,
            },
        )
    for order, (method, notes) in enumerate(METHODS):
        methods.objects.get_or_create(
            method=method, defaults={"available": True, "notes": notes, "order": order}
        )


def backwards(apps, schema_editor):
    apps.get_model("exports", "ExcludedCategory").objects.filter(
        slug__in=[slug for slug, *_rest in EXCLUDED]
    ).delete()
    apps.get_model("exports", "SwitchingMethod").objects.filter(
        method__in=[method for method, _notes in METHODS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("exports", "0003_register_statements")]

    operations = [migrations.RunPython(forwards, backwards)]
