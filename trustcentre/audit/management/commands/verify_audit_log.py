"""manage.py verify_audit_log: exit 0 when the audit chain is intact, otherwise name the first
broken event and exit non-zero. An intact chain's head is anchored at once, so that events
deleted after this run are caught by the next one."""

from django.core.management.base import BaseCommand, CommandError

from trustcentre.audit.anchors import audit_anchor_write
from trustcentre.audit.verification import VERIFY_CHUNK_SIZE, verify_chain


class Command(BaseCommand):
    help = "Recompute the audit log's hash chain and compare its head with the external anchor."

    def add_arguments(self, parser):
        parser.add_argument("--chunk-size", type=int, default=VERIFY_CHUNK_SIZE)

    def handle(self, *args, chunk_size, **options):
        report = verify_chain(chunk_size=chunk_size)
        if not report.intact:
            raise CommandError(f"audit chain broken at seq {report.broken_seq}: {report.reason}")

        self.stdout.write(f"audit chain intact: {report.count} events, head {report.head_hash}")
        anchor = report.anchor
        if anchor is None:
            self.stdout.write("no external anchor found (audit-anchors/ in private storage)")
        elif anchor.seq == report.head_seq:
            self.stdout.write(
                f"head matches the external anchor of {anchor.time} ({anchor.file_name})"
            )
        else:
            self.stdout.write(
                f"seq {anchor.seq} matches the external anchor of {anchor.time} "
                f"({anchor.file_name}); {report.head_seq - anchor.seq} events appended since"
            )
        written = audit_anchor_write()
        if written is not None:
            self.stdout.write(f"head seq {written.seq} anchored in {written.file_name}")
