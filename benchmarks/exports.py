#!/usr/bin/env python
"""Export benchmarks, on PostgreSQL: the portal's exports of one tenant's leads
against psql's \\copy, a bare xlsxwriter write and django-import-export, with the peak memory
of the process doing each export. See benchmarks/README.md.

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/exports.py [--leads N] [--three-million]

Each export runs in a fresh child process (this script with --child), so its peak RSS is its
own; the parent only prepares data, runs psql, and prints the table."""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CATEGORY = "leads"
# Targets: per format, (baseline measure, highest ratio allowed) pairs. XLSX
# at COPY speed: at most 3 x psql's \copy, and so at least 9 x faster than a bare xlsxwriter.
TARGETS = {
    "csv": [("psql_copy", 1.3)],
    "json": [("psql_copy", 1.5)],
    "xlsx": [("psql_copy", 3.0), ("xlsx_bare", 1 / 9)],
}
PEAK_MEMORY_LIMIT_MB = 250
EXCEL_MAX_ROWS = 1_048_576  # rows per sheet, the header included


def django_setup() -> None:
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trustcentre.settings")
    import django

    django.setup()


def child_environment(work: Path) -> dict:
    """What each child's settings read: no DEBUG (query logging would distort the figures), no
    broker (the job is run in-process), files in the benchmark's own folder."""
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY=os.environ.get("SECRET_KEY") or "benchmark-only-" + "x" * 40,
        AUDIT_CHAIN_KEY=os.environ.get("AUDIT_CHAIN_KEY") or "benchmark-only-" + "y" * 40,
        CELERY_BROKER_URL="memory://localhost/",
        CELERY_TASK_ALWAYS_EAGER="0",
        EMAIL_URL="locmem://",
        PRIVATE_FILES_ROOT=str(work / "private"),
        EXPORT_WORK_DIR=str(work / "export-work"),
        LOG_LEVEL="WARNING",
        LOG_FORMAT="text",
    )
    return env


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


# Children: one export each ------------------------------------------------------------------


def _organisation(slug):
    from trustcentre.accounts.models import Organisation

    return Organisation.objects.get(slug=slug)


def _leads_category():
    from exports.sources import get_category

    return get_category(CATEGORY)[1]


def child_idle(task: dict) -> dict:
    _organisation(task["org"])  # Django loaded and a database connection open, nothing more
    return {"seconds": 0.0, "rows": 0, "bytes": 0}


def child_writer(task: dict) -> dict:
    """The portal's writer for the format, on the built-in source: the data file only."""
    from django.conf import settings

    from exports.services import SourceRowReader
    from exports.sources.base import RowFilter
    from exports.writers import get_writer

    organisation = _organisation(task["org"])
    folder = Path(task["out"])
    options = {"max_file_bytes": settings.EXPORT_MAX_FILE_BYTES}
    writer = get_writer(task["format"], **options)
    reader = SourceRowReader(RowFilter(tenant_id=organisation.tenant_id))
    started = time.perf_counter()
    files = writer.write_unit(
        unit=CATEGORY,
        categories=[_leads_category()],
        reader=reader,
        folder=folder,
        on_rows=lambda count: None,
    )
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "rows": sum(f.rows for f in files),
        "bytes": sum(f.bytes for f in files),
    }


def child_job(task: dict) -> dict:
    """The whole export job as a worker runs it (exports.services.export_run): counting,
    progress and heartbeat writes, the data file, the zip with manifest and schemas, storing
    it, the audit event and the ready email's outbox row."""
    from django.core.files.storage import default_storage

    from exports.models import ExportJob
    from exports.services import export_request, export_run
    from trustcentre.jobs.models import JobStatus

    organisation = _organisation(task["org"])
    # A benchmark run that was interrupted may have left a job "running".
    ExportJob.objects.active().filter(organisation=organisation).update(status=JobStatus.FAILED)
    job = export_request(organisation=organisation, categories=[CATEGORY], format=task["format"])
    started = time.perf_counter()
    export_run(job_id=job.pk)
    seconds = time.perf_counter() - started
    job.refresh_from_db()
    if job.status != JobStatus.COMPLETED:
        raise SystemExit(f"the export job failed: {job.error}")
    default_storage.delete(job.archive_name)
    return {"seconds": seconds, "rows": job.row_counts[CATEGORY], "bytes": job.archive_bytes}


def child_xlsx_bare(task: dict) -> dict:
    """The floor for XLSX: the same rows read with a server-side cursor and written with
    xlsxwriter's constant_memory mode, one typed write per cell, nothing else."""
    import datetime

    import xlsxwriter
    from django.db import connection

    from exports.builtin_source.models import Lead
    from exports.sources.base import FieldType

    organisation = _organisation(task["org"])
    category = _leads_category()
    names = category.field_names
    table = connection.ops.quote_name(Lead._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in names)
    path = Path(task["out"]) / "bare.xlsx"
    started = time.perf_counter()
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "tmpdir": task["out"]})
    moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss.000"})
    utc = datetime.UTC

    def plan(field, sheet):
        if field.type == FieldType.DATETIME:
            return lambda r, c, v: sheet.write_datetime(
                r, c, v.astimezone(utc).replace(tzinfo=None), moment
            )
        if field.type == FieldType.BOOLEAN:
            return sheet.write_boolean
        if field.type == FieldType.INTEGER:
            return sheet.write_number
        return lambda r, c, v: sheet.write_string(r, c, str(v))

    def new_sheet(number: int) -> list:
        """A sheet with its header row; the cell writers bound to it."""
        sheet = book.add_worksheet(CATEGORY if number == 1 else f"{CATEGORY} ({number})")
        for column, name in enumerate(names):
            sheet.write_string(0, column, name)
        return [plan(field, sheet) for field in category.fields]

    rows = 0
    sheets = 1
    writes = new_sheet(sheets)
    row_on_sheet = 0
    connection.ensure_connection()
    with connection.connection.transaction():
        cursor = connection.connection.cursor(name="bench_xlsx")  # server-side: streams
        cursor.itersize = 2000
        cursor.execute(
            f"SELECT {columns} FROM {table} WHERE tenant_id = %s ORDER BY contact_id",  # noqa: S608
            [organisation.tenant_id],
        )
        for record in cursor:
            row_on_sheet += 1
            if row_on_sheet == EXCEL_MAX_ROWS:  # a sheet holds the header and 1,048,575 rows
                sheets += 1
                writes = new_sheet(sheets)
                row_on_sheet = 1
            for column, (write, value) in enumerate(zip(writes, record, strict=True)):
                if value is not None and write(row_on_sheet, column, value) == -1:
                    raise RuntimeError("xlsxwriter refused a cell")
            rows += 1
        cursor.close()
    book.close()
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": rows, "bytes": path.stat().st_size}


def child_import_export(task: dict) -> dict:
    """What a typical Django project does: django-import-export's ModelResource, to CSV."""
    from import_export import resources

    from exports.builtin_source.models import Lead

    organisation = _organisation(task["org"])
    names = _leads_category().field_names

    class LeadResource(resources.ModelResource):
        class Meta:
            model = Lead
            fields = tuple(names)
            export_order = tuple(names)

    path = Path(task["out"]) / "import-export.csv"
    started = time.perf_counter()
    queryset = Lead.objects.filter(tenant_id=organisation.tenant_id).order_by("contact_id")
    dataset = LeadResource().export(queryset=queryset)
    path.write_text(dataset.csv, encoding="utf-8")
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": len(dataset), "bytes": path.stat().st_size}


CHILDREN = {
    "idle": child_idle,
    "writer": child_writer,
    "job": child_job,
    "xlsx_bare": child_xlsx_bare,
    "import_export": child_import_export,
}


def run_child(task: dict) -> None:
    django_setup()
    profile = task.get("profile")
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        result = profiler.runcall(CHILDREN[task["kind"]], task)
        profiler.dump_stats(profile)
        pstats.Stats(profile, stream=sys.stderr).sort_stats("tottime").print_stats(25)
    else:
        result = CHILDREN[task["kind"]](task)
    result["peak_rss_mb"] = peak_rss_mb()
    print("RESULT " + json.dumps(result), flush=True)


# Parent --------------------------------------------------------------------------------------


def ensure_tenant(leads: int, slug: str) -> None:
    """An organisation with exactly `leads` leads of sample data (generated once, then reused)."""
    from exports.builtin_source.models import Lead
    from trustcentre.accounts.models import Organisation

    organisation, _created = Organisation.objects.get_or_create(
        slug=slug, defaults={"name": f"Benchmark {leads:,}", "kind": Organisation.Kind.CUSTOMER}
    )
    have = Lead.objects.filter(tenant_id=organisation.tenant_id).count()
    if have == leads:
        print(f"{slug}: {leads:,} leads already there")
        return
    print(f"{slug}: generating {leads:,} leads and proportionate other rows (minutes)...")
    command = [sys.executable, str(REPO / "manage.py"), "generate_sample_data", slug]
    subprocess.run([*command, "--leads", str(leads), "--replace"], check=True, cwd=REPO)
    from django.db import connection

    with connection.cursor() as cursor:  # fresh statistics for the planner, as in production
        cursor.execute("ANALYZE")


def copy_sql(slug: str) -> str:
    """The SELECT the portal's CSV fast path runs, with the same columns formatted the same way
    (exports.builtin_source.source._csv_text), and the tenant id inlined for psql."""
    import psycopg
    from django.db import connection

    from exports.builtin_source.models import Lead
    from exports.builtin_source.source import _csv_text

    organisation = _organisation(slug)
    category = _leads_category()
    columns = {f"column_{i}": _csv_text(field) for i, field in enumerate(category.fields)}
    rows = Lead.objects.filter(tenant_id=organisation.tenant_id).order_by("contact_id")
    query = rows.annotate(**columns).values_list(*columns).query
    sql, params = query.get_compiler(connection=connection).as_sql()
    connection.ensure_connection()
    inner = psycopg.ClientCursor(connection.connection).mogrify(sql, params)
    names = ", ".join(f'column_{i} AS "{field.name}"' for i, field in enumerate(category.fields))
    return f"SELECT {names} FROM ({inner}) AS leads"  # noqa: S608 (our own query, inlined)


def measure_psql_copy(slug: str, out: Path) -> dict:
    sql = copy_sql(slug)
    target = out / "psql-copy.csv"
    command = [
        "psql",
        os.environ["DATABASE_URL"],
        "-X",
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
        "-c",
        f"\\copy ({sql}) TO '{target}' CSV HEADER",
    ]
    started = time.perf_counter()
    subprocess.run(command, check=True)
    seconds = time.perf_counter() - started
    with open(target, "rb") as handle:
        lines = sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
    # psql's own memory is not the portal's: not measured.
    return {
        "seconds": seconds,
        "rows": lines - 1,
        "bytes": target.stat().st_size,
        "peak_rss_mb": None,
    }


def measure_child(task: dict, env: dict) -> dict:
    process = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(task)],
        env=env,
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    if task.get("profile"):
        sys.stderr.write(process.stderr)
    lines = [line for line in process.stdout.splitlines() if line.startswith("RESULT ")]
    if process.returncode != 0 or not lines:
        sys.stderr.write(process.stdout[-3000:] + process.stderr[-6000:])
        raise SystemExit(f"{task['kind']} {task.get('format', '')} failed ({process.returncode})")
    return json.loads(lines[-1][len("RESULT ") :])


def measure(name: str, function, repeat: int) -> dict:
    """Best wall time of `repeat` runs (the usual way to quote a benchmark); the peak RSS is the
    highest seen."""
    runs = []
    for _ in range(repeat):
        runs.append(function())
        last = runs[-1]
        memory = f"{last['peak_rss_mb']:7.1f} MB" if last.get("peak_rss_mb") else ""
        print(
            f"  {name:<22} {last['seconds']:8.2f} s {memory}",
            flush=True,
        )
    best = min(runs, key=lambda run: run["seconds"])
    memory = [run["peak_rss_mb"] for run in runs if run.get("peak_rss_mb") is not None]
    best["peak_rss_mb"] = max(memory) if memory else None
    return best


def run_size(leads: int, args, work: Path, env: dict) -> dict:
    slug = f"{args.org_prefix}-{leads}"
    ensure_tenant(leads, slug)
    results: dict[str, dict] = {}
    out = work / f"out-{leads}"

    def fresh_out() -> Path:
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        return out

    def child(kind, **extra):
        return lambda: measure_child(
            {"kind": kind, "org": slug, "out": str(fresh_out()), **extra}, env
        )

    def wanted(name: str) -> bool:
        return not args.only or name in args.only

    print(f"\n== {leads:,} leads ({slug})")
    results["idle"] = measure("idle process", child("idle"), 1)
    if wanted("psql_copy"):
        results["psql_copy"] = measure(
            "psql \\copy", lambda: measure_psql_copy(slug, fresh_out()), args.repeat
        )
    for format in args.formats:
        if wanted(f"writer_{format}"):
            results[f"writer_{format}"] = measure(
                f"portal {format} file", child("writer", format=format), args.repeat
            )
        if wanted(f"job_{format}"):
            results[f"job_{format}"] = measure(
                f"portal {format} job", child("job", format=format), args.repeat
            )
    if "xlsx" in args.formats and wanted("xlsx_bare"):
        results["xlsx_bare"] = measure("bare xlsxwriter", child("xlsx_bare"), args.repeat)
    if not args.skip_import_export and wanted("import_export"):
        results["import_export"] = measure("django-import-export", child("import_export"), 1)
    for name, result in results.items():
        if name != "idle" and result["rows"] != leads:
            raise SystemExit(f"{name} wrote {result['rows']} rows, not {leads}")
    shutil.rmtree(out, ignore_errors=True)
    return results


def memory_text(result: dict) -> str:
    return "" if result.get("peak_rss_mb") is None else f"{result['peak_rss_mb']:.1f}"


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def report(all_results: dict[int, dict], formats: list[str]) -> None:
    for leads, results in all_results.items():
        print(f"\n### {leads:,} leads (one tenant), best of the runs")
        print("| measure | seconds | rows/s | peak RSS MB | ratio | target | verdict |")
        print("|---|---:|---:|---:|---:|---|---|")
        for name, result in results.items():
            seconds = result.get("seconds")
            ratio_text = target_text = verdict_text = ""
            kind, _sep, format = name.partition("_")
            if kind in ("writer", "job") and format in TARGETS:
                ratios, targets, verdicts = [], [], []
                for baseline, limit in TARGETS[format]:
                    if baseline in results:
                        ratio = seconds / results[baseline]["seconds"]
                        ratios.append(f"{ratio:.2f}x {baseline}")
                        targets.append(f"<= {limit:.2f}x {baseline}")
                        verdicts.append(verdict(ratio <= limit))
                ratio_text, target_text = " ; ".join(ratios), " ; ".join(targets)
                verdict_text = " ; ".join(verdicts)
            if kind == "job":
                memory_ok = result["peak_rss_mb"] <= PEAK_MEMORY_LIMIT_MB
                target_text += f" ; <= {PEAK_MEMORY_LIMIT_MB} MB"
                verdict_text += f" ; memory {verdict(memory_ok)}"
            if name == "import_export" and "psql_copy" in results:
                ratio_text = f"{seconds / results['psql_copy']['seconds']:.2f}x psql_copy"
            rate = f"{result['rows'] / seconds:,.0f}" if seconds else ""
            if name == "idle":
                seconds_text, rate = "", ""
            else:
                seconds_text = f"{seconds:.2f}"
            print(
                f"| {name} | {seconds_text} | {rate} | {memory_text(result)} | {ratio_text} "
                f"| {target_text} | {verdict_text} |"
            )
    sizes = sorted(all_results)
    if len(sizes) > 1:
        small, large = all_results[sizes[0]], all_results[sizes[-1]]
        print(f"\n### Peak memory from {sizes[0]:,} to {sizes[-1]:,} leads (must not grow)")
        print("| export | small MB | large MB | growth | verdict |")
        print("|---|---:|---:|---:|---|")
        for format in formats:
            name = f"job_{format}"
            if name not in small or name not in large:
                continue
            a, b = small[name]["peak_rss_mb"], large[name]["peak_rss_mb"]
            # A few MB of allocator noise is not growth with the data.
            print(f"| {name} | {a:.1f} | {b:.1f} | {b - a:+.1f} | {verdict(b <= a + 5)} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000, help="leads of the tenant")
    parser.add_argument(
        "--three-million", action="store_true", help="also measure at 3,000,000 leads"
    )
    parser.add_argument("--formats", default="csv,json,xlsx", help="comma-separated")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each measure (best kept)")
    parser.add_argument("--skip-import-export", action="store_true")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated measures to run (psql_copy, writer_csv, job_json, xlsx_bare, ...)",
    )
    parser.add_argument("--org-prefix", default="benchmark", help="slug prefix of the tenants")
    parser.add_argument(
        "--profile",
        metavar="FORMAT",
        help="profile the portal's job for this format with cProfile (prints the top functions)",
    )
    parser.add_argument("--work-dir", help="where files are written (default: a temp folder)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(json.loads(args.child))
        return
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (see benchmarks/README.md).")
    args.formats = [f for f in args.formats.split(",") if f]
    args.only = {m for m in args.only.split(",") if m}
    work = Path(args.work_dir or tempfile.mkdtemp(prefix="export-bench-"))
    env = child_environment(work)
    os.environ.update({k: env[k] for k in ("SECRET_KEY", "AUDIT_CHAIN_KEY", "DEBUG")})
    django_setup()
    if args.profile:
        slug = f"{args.org_prefix}-{args.leads}"
        ensure_tenant(args.leads, slug)
        task = {
            "kind": "job",
            "org": slug,
            "format": args.profile,
            "profile": str(work / f"job-{args.profile}.prof"),
        }
        print(measure_child(task, env))
        return
    sizes = [args.leads] + ([3_000_000] if args.three_million else [])
    all_results = {}
    try:
        for leads in sizes:
            all_results[leads] = run_size(leads, args, work, env)
    finally:
        if not args.work_dir:
            shutil.rmtree(work, ignore_errors=True)
    report(all_results, args.formats)


if __name__ == "__main__":
    main()
