"""Export jobs: request, run (resumable), deliver, retry and expire. One module per use case;
callers import from here."""

from exports.services.delivery import export_delete_expired, export_delivered
from exports.services.requesting import (
    ExportAlreadyRunning,
    ExportNotRetryable,
    export_request,
    export_retry,
)
from exports.services.running import (
    SourceRowReader,
    export_archive_name,
    export_row_filter,
    export_run,
    export_work_folder,
    export_writer,
)

__all__ = [
    "ExportAlreadyRunning",
    "ExportNotRetryable",
    "SourceRowReader",
    "export_archive_name",
    "export_delete_expired",
    "export_delivered",
    "export_request",
    "export_retry",
    "export_row_filter",
    "export_run",
    "export_work_folder",
    "export_writer",
]
