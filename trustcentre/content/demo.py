# ruff: noqa: E501  (prose: the demo texts read better unwrapped)
"""Demo content of the trust centre (seed_demo): the provider's own words about how it
protects the data of its customers, with a few documents at each access level."""

import datetime

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from trustcentre.accounts.models import User
from trustcentre.content.models import (
    Certification,
    Control,
    ControlGroup,
    FaqCategory,
    FaqEntry,
    Overview,
)
from trustcentre.documents import services
from trustcentre.documents.models import Document, DocumentCategory, NdaVersion
from trustcentre.lib.pdf import html_to_pdf

OVERVIEW = (
    "Security and privacy at {provider}",
    "We provide web analytics and lead insights to B2B companies. Our customers decide what "
    "their website visitors' data is used for; we process it on their behalf, as their "
    "processor under Art. 28 GDPR, and for nothing else.\n\n"
    "This page shows how we protect that data: the certifications we hold, the technical and "
    "organisational measures we run, the questions customers ask us most, and the documents "
    "your security review needs.",
)

CONTROLS = [
    (
        "access-control",
        "Access control",
        "Who can reach customer data, and how that is kept small.",
        [
            (
                "Least privilege by role",
                "Engineers get production access only through roles tied to their duties; access to customer data needs a ticket and expires after 8 hours.",
            ),
            (
                "Quarterly access reviews",
                "Team leads confirm or remove every person's access each quarter; leavers lose all access on their last day, automatically from the HR system.",
            ),
            (
                "Single sign-on for staff",
                "Every internal system is behind our identity provider; local accounts are not allowed.",
            ),
        ],
    ),
    (
        "authentication",
        "Authentication",
        "How people prove who they are.",
        [
            (
                "Multi-factor authentication",
                "MFA (TOTP or security keys) is required for all staff and for customer administrators; SMS codes are not accepted.",
            ),
            (
                "Single sign-on for customers",
                "Customers can sign in through their own OpenID Connect identity provider and enforce their own policies.",
            ),
            (
                "Password rules",
                "At least 12 characters, checked against a list of common and breached passwords; no composition rules, no forced rotation.",
            ),
        ],
    ),
    (
        "encryption",
        "Encryption",
        "Data protected in transit and at rest.",
        [
            (
                "Encryption in transit",
                "TLS 1.2 and 1.3 only, with forward secrecy; HSTS with a one-year lifetime on every domain.",
            ),
            (
                "Encryption at rest",
                "Databases, backups and file storage are encrypted with AES-256; keys live in a managed key service and are rotated yearly.",
            ),
            (
                "Secrets management",
                "Application secrets are kept in a vault, never in code or images, and rotated when someone with access leaves.",
            ),
        ],
    ),
    (
        "logging",
        "Logging and monitoring",
        "Knowing what happened, and noticing quickly.",
        [
            (
                "Central logging",
                "Application, access and infrastructure logs go to a central, append-only store kept for 12 months.",
            ),
            (
                "Tamper-evident audit log",
                "Significant actions in this portal are written to a hash-chained audit log whose head is also stored outside the database.",
            ),
            (
                "Alerting and on-call",
                "Security alerts page an on-call engineer around the clock; we aim to acknowledge critical alerts within 15 minutes.",
            ),
        ],
    ),
    (
        "vulnerability-management",
        "Vulnerability management and testing",
        "Finding weaknesses before others do.",
        [
            (
                "Dependency and image scanning",
                "Every build scans dependencies and container images; critical findings block the release.",
            ),
            (
                "Patching windows",
                "Critical vulnerabilities are patched within 7 days, high within 30 days.",
            ),
            (
                "Annual penetration test",
                "An independent firm tests the application and infrastructure every year and after major changes; a summary is available under NDA.",
            ),
            (
                "Responsible disclosure",
                "Researchers can report vulnerabilities to our security contact (see security.txt); we answer within 3 working days.",
            ),
        ],
    ),
    (
        "backups",
        "Backups and recovery",
        "Getting data back when something breaks.",
        [
            (
                "Encrypted backups",
                "Databases are backed up continuously with point-in-time recovery for 14 days; backups are encrypted and stored in a second region of the EU.",
            ),
            (
                "Restore tests",
                "We restore a full backup every quarter and record the time it took.",
            ),
            (
                "Business continuity",
                "Recovery objectives: RPO 15 minutes, RTO 4 hours for the analytics service; the plan is exercised once a year.",
            ),
        ],
    ),
    (
        "incident-response",
        "Incident response",
        "What happens when something goes wrong.",
        [
            (
                "Incident response plan",
                "A written plan with roles, severity levels and communication templates, rehearsed twice a year.",
            ),
            (
                "Breach notification",
                "We notify affected customers without undue delay, and in any case within 48 hours of becoming aware of a personal data breach, with what we know at that time.",
            ),
        ],
    ),
    (
        "suppliers",
        "Supplier management",
        "The companies we rely on.",
        [
            (
                "Supplier review",
                "Before we use a sub-processor we review its security and its data protection terms; we review each again every year.",
            ),
            (
                "Sub-processor changes",
                "Customers are told of new sub-processors at least 30 days in advance and may object.",
            ),
        ],
    ),
    (
        "privacy",
        "Privacy by design and by default",
        "Building data protection into the product.",
        [
            (
                "Privacy by design",
                "Every new feature gets a privacy review; features that process personal data in a new way get a data protection impact assessment.",
            ),
            (
                "Privacy by default",
                "IP addresses are truncated before storage; tracking starts only after consent where the customer's configuration requires it.",
            ),
            (
                "Data minimisation and retention",
                "Raw events are kept for 13 months, then aggregated; customers can set shorter periods.",
            ),
        ],
    ),
    (
        "people",
        "People and training",
        "The people who handle data.",
        [
            (
                "Security and privacy training",
                "Every employee completes security and data protection training when they join and every year after; phishing exercises run quarterly.",
            ),
            (
                "Confidentiality",
                "Employees and contractors sign confidentiality agreements before they get access to any system.",
            ),
            (
                "Background checks",
                "Staff with production access are background-checked where the law allows.",
            ),
        ],
    ),
]

FAQ = [
    (
        "roles",
        "Roles and contracts",
        [
            (
                "Are you a processor or a controller?",
                "For the data our customers collect with our tracking code, we are their processor: we act on their documented instructions under our data processing agreement (Art. 28 GDPR). For our own customer relationship (billing, account users) we are the controller.",
            ),
            (
                "Do you offer a data processing agreement?",
                "Yes. Customers sign our DPA online in the portal; its annexes list our technical and organisational measures and the current sub-processors.",
            ),
            (
                "Can we audit you?",
                "Our ISO/IEC 27001 certificate and the summary of our latest penetration test answer most audit questions. Where they do not, customers may audit us as set out in the DPA, with reasonable notice.",
            ),
            (
                "Will you fill in our security questionnaire?",
                "Yes. Upload it in the portal with the date you need it by; our security team answers with a file. Many answers are already on this page.",
            ),
        ],
    ),
    (
        "product",
        "The product and its data",
        [
            (
                "What does the tracking code collect?",
                "Page views, referrers, campaign parameters, a truncated IP address and technical details of the browser. It does not read form fields and does not collect special categories of data.",
            ),
            (
                "How does company matching work?",
                "We match the truncated IP address of a visit against public registers of networks owned by companies. We identify organisations, not people.",
            ),
            (
                "Do you use cookies?",
                "By default the tracking code uses one first-party cookie to recognise returning visits, for at most 13 months. A cookieless mode is available; customers decide whether consent is needed on their site.",
            ),
            (
                "Do you use customer data to train models or for other customers?",
                "No. Each customer's data is kept separate and used only to provide the service to that customer.",
            ),
        ],
    ),
    (
        "retention",
        "Retention and deletion",
        [
            (
                "How long do you keep data?",
                "Raw events for 13 months, aggregated statistics for the duration of the contract. Customers can choose shorter periods.",
            ),
            (
                "What happens at the end of the contract?",
                "The customer chooses: return of the data (an export in open formats) followed by deletion, or deletion only. We delete within 30 days after the retrieval period and issue a deletion certificate; backups are overwritten within 14 days after that.",
            ),
            (
                "How do you handle data subject requests?",
                "Where a request concerns data a customer controls, we pass it to that customer and help them answer it. Individuals can also file a request with us directly through the privacy request form.",
            ),
        ],
    ),
    (
        "subprocessors",
        "Sub-processors and transfers",
        [
            (
                "Who are your sub-processors?",
                "The current list, with purpose, location and transfer mechanism, is on the sub-processors page. Subscribe there to hear about changes 30 days before they take effect.",
            ),
            (
                "Is data transferred outside the EU?",
                "Customer data is stored and processed in the EU. Where a sub-processor may access data from a third country, the transfer relies on an adequacy decision or the EU Standard Contractual Clauses, with a transfer impact assessment.",
            ),
        ],
    ),
    (
        "security",
        "Security",
        [
            (
                "How will you tell us about a breach?",
                "We notify affected customers without undue delay, and in any case within 48 hours, by email to their admins and in the portal, with the nature of the breach, the data affected, likely consequences and what we are doing about it.",
            ),
            (
                "Do you support single sign-on?",
                "Yes. Customers can connect their OpenID Connect identity provider; customer admins can also require MFA for all their users.",
            ),
            (
                "Are you certified?",
                "We hold an ISO/IEC 27001:2022 certificate covering the development and operation of our analytics platform. The certificate is available to signed-in users.",
            ),
        ],
    ),
]

DOCUMENTS = [
    (
        "certificates",
        "Certificates",
        "ISO/IEC 27001 certificate",
        "registered",
        "Our ISO/IEC 27001:2022 certificate and its scope statement.",
    ),
    (
        "policies",
        "Policies",
        "Information security policy (summary)",
        "public",
        "The principles of our information security management system.",
    ),
    (
        "policies",
        "Policies",
        "Privacy policy for the analytics service",
        "public",
        "How the analytics service processes personal data.",
    ),
    (
        "reports",
        "Audit reports",
        "Penetration test summary 2026",
        "nda",
        "Scope, method and findings of our latest independent penetration test, with remediation status.",
    ),
    (
        "reports",
        "Audit reports",
        "Business continuity plan (extract)",
        "nda",
        "Recovery objectives, roles and the results of our latest continuity exercise.",
    ),
    (
        "internal",
        "Internal",
        "Risk register",
        "private",
        "The information security risk register (staff only).",
    ),
]

NDA_TEXT = """Mutual non-disclosure agreement

1. Purpose. {provider} ("we") makes confidential security documents available to you for the sole purpose of evaluating or continuing a business relationship with us.
2. Confidential information. Everything you download from the trust centre under this agreement is confidential, unless it is or becomes public without your fault.
3. Obligations. You keep the information confidential, share it only with employees and advisers who need it for the purpose and are bound to confidentiality, and do not copy it beyond that need.
4. Marking. Each copy carries your name, organisation, the time and a download id. Do not remove or obscure this marking.
5. Term. This agreement lasts 12 months from acceptance; the duty of confidentiality survives it by 3 years.
6. Return. On our request, or when the purpose ends, you delete the information and confirm it in writing.
7. Law. German law applies; the courts of Hamburg have jurisdiction.
"""


def _pdf(title: str, body: str) -> bytes:
    paragraphs = "".join(f"<p>{line}</p>" for line in body.split("\n") if line.strip())
    html = (
        "<html><head><meta charset='utf-8'><style>body{font-family:'DejaVu Sans',sans-serif;"
        "font-size:11pt;} h1{font-size:18pt;} @page{size:A4;margin:2cm;}</style></head><body>"
        f"<h1>{title}</h1><p><em>{settings.PROVIDER_NAME}</em></p>{paragraphs}"
        "<p style='page-break-before:always'>Annex: details</p>"
        "<p>This annex continues the document on a second page.</p></body></html>"
    )
    return html_to_pdf(html)


def seed(stdout) -> None:
    owner = User.objects.filter(email="trust@northwind.example").first()
    provider = settings.PROVIDER_NAME
    if not Overview.objects.exists():
        Overview.objects.create(heading=OVERVIEW[0].format(provider=provider), body=OVERVIEW[1])
    today = timezone.localdate()
    for g_order, (slug, name, description, controls) in enumerate(CONTROLS):
        group, _ = ControlGroup.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "order": g_order}
        )
        for order, (title, text) in enumerate(controls):
            Control.objects.get_or_create(
                group=group,
                title=title,
                defaults={
                    "description": text,
                    "order": order,
                    "owner": owner,
                    # A few come due soon, one is overdue, so the review page has something.
                    "next_review_on": today
                    + datetime.timedelta(days=(order * 97 + g_order * 41) % 400 - 10),
                },
            )
    for c_order, (slug, name, entries) in enumerate(FAQ):
        category, _ = FaqCategory.objects.get_or_create(
            slug=slug, defaults={"name": name, "order": c_order}
        )
        for order, (question, answer) in enumerate(entries):
            FaqEntry.objects.get_or_create(
                category=category,
                question=question,
                defaults={"answer": answer, "order": order, "owner": owner},
            )
    if not NdaVersion.objects.exists():
        services.nda_version_publish(
            user=None,
            title=f"{provider} mutual non-disclosure agreement",
            text=NDA_TEXT.format(provider=provider),
        )
    for order, (slug, cat_name, title, level, description) in enumerate(DOCUMENTS):
        category, _ = DocumentCategory.objects.get_or_create(
            slug=slug, defaults={"name": cat_name, "order": order}
        )
        if Document.objects.filter(title=title).exists():
            continue
        document = services.document_create(
            user=owner,
            title=title,
            description=description,
            category=category,
            access_level=level,
            owner=owner,
        )
        upload = SimpleUploadedFile(
            f"{slug}-{order}.pdf", _pdf(title, description), content_type="application/pdf"
        )
        services.document_version_add(document=document, user=owner, upload=upload)
    iso = Document.objects.filter(title="ISO/IEC 27001 certificate").first()
    Certification.objects.get_or_create(
        name="ISO/IEC 27001:2022",
        defaults={
            "issuer": "TÜV Nord Cert GmbH",
            "scope": "Development, operation and support of the web analytics and lead insights "
            "platform, including the trust and privacy portal.",
            "certificate_number": "44 121 260417",
            "valid_from": datetime.date(2025, 3, 1),
            "valid_until": datetime.date(2028, 2, 28),
            "document": iso,
        },
    )
    stdout.write(
        f"Trust centre: {Control.objects.count()} controls, {FaqEntry.objects.count()} FAQ "
        f"entries, {Document.objects.count()} documents."
    )
