# ruff: noqa: E501  (prose: the demo texts read better unwrapped)
"""Demo content of the register's statements (seed_demo): an example provider's Data Act
appendix as facts, in the portal's own words: how data can move, the exports beyond the
standard scope, and the measures against governmental access, linked to the trust centre's
controls where one carries the measure out."""

from exports.statements import register_publish_initial
from exports.statements_models import (
    CustomExportStatement,
    GovernmentAccessMeasure,
    RegisterVersion,
    SwitchingMethod,
    SwitchingMethodKind,
)
from trustcentre.content.models import Control

SWITCHING = [
    (
        SwitchingMethodKind.UI,
        True,
        "One export at a time per organisation; a date period covers at most the register's longest period.",
        "Every stored category as CSV, JSON or XLSX, CSV unless another format is chosen.",
    ),
    (
        SwitchingMethodKind.API,
        True,
        "500 requests per minute per API key.",
        "Every category, the analytical reports included, as CSV, JSON or XLSX; JSON unless another format is chosen.",
    ),
    (
        SwitchingMethodKind.PROVIDER_TO_PROVIDER,
        False,
        "No direct transfer from our systems into another provider's.",
        "Export the data yourself (portal or API) and import it at the destination; support helps with the mapping.",
    ),
]

# (title, description, title of the trust centre control that carries it out, or "")
MEASURES = [
    (
        "Encryption at rest",
        "Customer data, its backups and export archives are encrypted on disk with keys we manage ourselves.",
        "Encryption at rest",
    ),
    (
        "Encryption in transit",
        "Every connection to and within the service uses TLS 1.2 or newer.",
        "Encryption in transit",
    ),
    (
        "Keys under our own control",
        "Encryption keys are generated and kept in our own key management, never held by a hosting provider.",
        "Secrets management",
    ),
    (
        "Storage in the EU only",
        "Customer data is stored and processed in data centres in the EU.",
        "",
    ),
    (
        "EU-based hosting providers",
        "The hosting providers that store customer data are companies established in the EU.",
        "Supplier review",
    ),
    (
        "No transfer outside the EU without instruction",
        "Data leaves the EU only where the customer instructs it, under a transfer mechanism the law recognises.",
        "",
    ),
    (
        "Sub-processors assessed before use",
        "Each sub-processor is assessed for its exposure to foreign governmental access before it receives data.",
        "Supplier review",
    ),
    (
        "Sub-processor changes announced",
        "Customers are told of a new sub-processor in advance and may object.",
        "Sub-processor changes",
    ),
    (
        "Legal review of every request",
        "Any request from a public authority for customer data is reviewed by our legal team before anything is done.",
        "",
    ),
    (
        "Only binding requests are answered",
        "We disclose data only under an order that binds us under EU or member-state law.",
        "",
    ),
    (
        "Challenge of unlawful requests",
        "A request that conflicts with EU or national law, or is overbroad, is challenged before a court.",
        "",
    ),
    (
        "Narrowest possible disclosure",
        "Where disclosure is unavoidable, only the minimum data the order names is given.",
        "",
    ),
    (
        "Customers are told",
        "The customer is informed of a request concerning its data before any disclosure, unless the law forbids it.",
        "",
    ),
    (
        "Redirection to the customer",
        "Authorities are asked to address their request to the customer, who controls the data.",
        "",
    ),
    (
        "Transparency on requests",
        "We publish, at least once a year, how many governmental requests we received and how we answered them.",
        "",
    ),
    (
        "Record of every request",
        "Every request, our assessment and our answer are recorded and kept.",
        "Tamper-evident audit log",
    ),
    (
        "Staff bound to confidentiality",
        "Everyone with access to customer data is bound to confidentiality by contract.",
        "Confidentiality",
    ),
    (
        "Least privilege",
        "Access to customer data is limited to the staff whose duties need it, for a limited time.",
        "Least privilege by role",
    ),
    (
        "Regular access reviews",
        "Who may reach customer data is reviewed every quarter.",
        "Quarterly access reviews",
    ),
    (
        "Strong authentication",
        "Staff access requires multi-factor authentication.",
        "Multi-factor authentication",
    ),
    (
        "Logged access",
        "Access to production systems and customer data is logged centrally.",
        "Central logging",
    ),
    (
        "Tamper-evident audit trail",
        "The audit log is hash-chained, so an edit or deletion is detected.",
        "Tamper-evident audit log",
    ),
    (
        "Trained staff",
        "Staff are trained to recognise and escalate requests from authorities.",
        "Security and privacy training",
    ),
    (
        "Background checks",
        "Staff with access to production are screened before they start.",
        "Background checks",
    ),
    (
        "Data minimisation",
        "We keep only the data the service needs, and delete it at the end of its period.",
        "Data minimisation and retention",
    ),
    (
        "Pseudonymous visitor data",
        "Visitor profiles are pseudonymous until a visitor is identified as a lead, and IP addresses are masked before storage.",
        "Privacy by design",
    ),
    (
        "Encrypted backups in the EU",
        "Backups are encrypted and kept in the EU, like the data they copy.",
        "Encrypted backups",
    ),
    (
        "Incident procedure",
        "An unlawful access by an authority is handled as a security incident, with notice to the customer.",
        "Incident response plan",
    ),
    (
        "Notification without delay",
        "Customers are notified of a breach affecting their data without undue delay.",
        "Breach notification",
    ),
    (
        "Contracts that pass the duties on",
        "Sub-processors are bound by contract to the same rules on governmental requests.",
        "Supplier review",
    ),
    (
        "Exit at any time",
        "Customers can export all their data at any time and switch, so no request can hold their data hostage.",
        "",
    ),
    (
        "Yearly review of these measures",
        "Legal and security review these measures at least once a year and after any change in the law.",
        "",
    ),
]

CUSTOM_EXPORTS = (
    "Exports beyond the standard scope (other formats or layouts, fields combined or transformed, a delivery straight to a destination you name) can be agreed case by case, at individual pricing.",
    "Where an export cannot be made in the portal or through the API, write to support with your organisation and what you need; we answer within two working days and agree the delivery with you.",
    "support@northwind.example",
)


def seed(stdout) -> None:
    if RegisterVersion.objects.exists():
        return
    for order, (method, available, limitations, notes) in enumerate(SWITCHING):
        SwitchingMethod.objects.update_or_create(
            method=method,
            defaults={
                "available": available,
                "limitations": limitations,
                "notes": notes,
                "order": order,
            },
        )
    controls = {control.title: control for control in Control.objects.all()}
    for order, (title, description, control_title) in enumerate(MEASURES):
        GovernmentAccessMeasure.objects.get_or_create(
            title=title,
            defaults={
                "description": description,
                "control": controls.get(control_title),
                "order": order,
            },
        )
    if not CustomExportStatement.objects.exists():
        statement, route, email = CUSTOM_EXPORTS
        CustomExportStatement.objects.create(
            statement=statement, support_route=route, support_email=email
        )
    version = register_publish_initial(change="Statements of the register published")
    stdout.write(
        f"Data Act register: version {version.number}, "
        f"{GovernmentAccessMeasure.objects.count()} government-access measures."
    )
