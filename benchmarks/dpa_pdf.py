"""Time to render an executed DPA (cover, body, annexes I-III with transfers, signature page
with the audit trail) as the PDF of record, with 50 sub-processors and 40 controls.

    .venv/bin/python benchmarks/dpa_pdf.py [--subprocessors 50] [--controls 40] [--runs 5]

The document is built from a frozen annex snapshot as at countersignature
(`dpa.documents.document_html` with signatures, then `html_to_pdf`), so no database is needed.
One warm-up render first (WeasyPrint loads its fonts once per process), then the median and
the spread of --runs timed renders. Aim of issue 6: the median under 2 s.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trustcentre.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from dpa.documents import document_html, sha256_hex, transfers_of  # noqa: E402
from trustcentre.lib.pdf import html_to_pdf  # noqa: E402

BODY = "\n\n".join(
    f"## {number}. Clause {number}\n\n"
    + "The Processor shall process personal data of {customer_legal_name} only on documented "
    "instructions and notify breaches within {breach_notification_hours} hours. " * 6
    for number in range(1, 13)
)
MECHANISMS = [
    ("none", "No transfer (processing inside the EEA)"),
    ("scc_module_3", "EU SCCs, module 3 (processor to processor)"),
    ("dpf", "EU-US Data Privacy Framework"),
]


def snapshot(subprocessors: int, controls: int) -> dict:
    entries = []
    for i in range(1, subprocessors + 1):
        mechanism, label = MECHANISMS[i % 3]
        entries.append(
            {
                "id": f"00000000-0000-0000-0000-{i:012d}",
                "name": f"Sub-processor {i:02d}",
                "legal_entity": f"Sub-processor {i:02d} Limited",
                "purpose": f"Hosting and support service number {i} for the analytics product",
                "countries": ["DE"] if mechanism == "none" else ["US", "IE"],
                "transfer_mechanism": mechanism,
                "transfer_mechanism_label": label,
            }
        )
    return {
        "provider": {"legal_name": "Northwind Analytics SE", "address": "Hafenstraße 12, Hamburg"},
        "customer": {
            "legal_name": "Acme Retail GmbH",
            "address": "Beispielstraße 1, 10115 Berlin",
            "signatory_name": "Anna Admin",
            "signatory_title": "Managing Director",
            "notices_email": "privacy@acme-retail.example",
        },
        "version": {"number": 3, "title": "Data Processing Agreement"},
        "effective_date": "2026-01-15",
        "objection_window_days": 30,
        "breach_notification_hours": 48,
        "processing": {
            "subject_matter": "Web analytics",
            "duration": "The term of the main agreement",
            "nature_and_purpose": "Collecting and analysing visits",
            "data_categories": "Online identifiers, usage data",
            "data_subjects": "Website visitors",
        },
        "controls": [
            {
                "group": f"Area {1 + i // 8}",
                "title": f"Control {i:02d}",
                "description": f"Description of technical and organisational measure {i}.",
            }
            for i in range(1, controls + 1)
        ],
        "subprocessor_list": {
            "number": 7,
            "published_at": "2026-01-02T09:00:00+00:00",
            "entries": entries,
        },
        "transfers": transfers_of(entries),
    }


def signatures() -> dict:
    at = datetime.datetime(2026, 1, 15, 10, 0, tzinfo=datetime.UTC)
    return {
        "reference": "bench",
        "signed_document_sha256": "0" * 64,
        "customer": {
            "name": "Anna Admin",
            "title": "Managing Director",
            "email": "admin@acme-retail.example",
            "at": at,
            "ip": "203.0.113.7",
            "user_agent": "Mozilla/5.0",
            "second_factor": "totp",
        },
        "provider": {
            "name": "Lena Legal",
            "email": "legal@northwind.example",
            "at": at,
            "ip": "198.51.100.2",
            "user_agent": "Mozilla/5.0",
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subprocessors", type=int, default=50)
    parser.add_argument("--controls", type=int, default=40)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    data = snapshot(args.subprocessors, args.controls)

    def render() -> bytes:
        return html_to_pdf(document_html(body=BODY, snapshot=data, signatures=signatures()))

    warm = time.perf_counter()
    pdf = render()
    warm = time.perf_counter() - warm
    times = []
    for _run in range(args.runs):
        start = time.perf_counter()
        pdf = render()
        times.append(time.perf_counter() - start)
    from io import BytesIO

    from pypdf import PdfReader

    pages = len(PdfReader(BytesIO(pdf)).pages)
    print(
        f"DPA PDF, {args.subprocessors} sub-processors, {args.controls} controls: "
        f"{pages} pages, {len(pdf) / 1024:.0f} KiB, sha256 {sha256_hex(pdf)[:12]}…"
    )
    print(f"first render (fonts load): {warm:.2f} s")
    print(
        f"median of {args.runs}: {statistics.median(times):.2f} s "
        f"(min {min(times):.2f} s, max {max(times):.2f} s, {os.cpu_count()} cores)"
    )


if __name__ == "__main__":
    main()
