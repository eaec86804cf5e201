"""Made-up but plausible customer data for demos and benchmarks, the same for the same seed.

For N leads: N + N//2 visitor profiles (one per lead, and an anonymous one for every second
lead), 4 journey events per profile, and one organisation profile per 20 leads (rounded up).
Everything, identifiers included, comes from one random generator seeded with the seed and
the tenant, and times count from a fixed date, so a run is repeatable and two tenants never
share a key. Names, companies and URLs include commas, quotes and non-ASCII letters, as real
data does. Rows are written in batches: COPY FROM on PostgreSQL (a million leads in a few
minutes), bulk_create elsewhere. A subject on the suppression list is skipped, with the
profile and events linked to them.
"""

import datetime
import functools
import random
import unicodedata
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.db import connections, router, transaction

from exports.builtin_source.models import (
    SUBJECT_FLAGS,
    JourneyEvent,
    Lead,
    OrganisationProfile,
    VisitorProfile,
)
from exports.builtin_source.services import SuppressionCheck

# Times count back from here, not from now, so the same seed gives the same rows on any day.
ANCHOR = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
SPAN_SECONDS = 365 * 24 * 3600
EVENTS_PER_PROFILE = 4
LEADS_PER_ORGANISATION = 20

# fmt: off
FIRST_NAMES = [
    "Anna", "Ben", "Chloé", "David", "Elif", "François", "Greta", "Hannes", "Inès", "Jakub",
    "Jürgen", "Karin", "Lars", "Maëlle", "Niamh", "Olivia", "Paweł", "Quentin", "Renée",
    "Sofía", "Tomás", "Ulrike", "Valentina", "Wojciech", "Xavier", "Yasmin", "Zoë", "Łukasz",
    "Søren", "Ana",
]
LAST_NAMES = [
    "Müller", "Schmidt", "O'Brien", "García", "Rossi", "Dubois", "Nowak", "Jansen", "Andersson",
    "Kowalski", "Novák", "Smith", "Fernández", "Moreau", "Weiß", "Horvát", "Papadopoulos",
    "van der Berg", "Lindqvist", "Ó Súilleabháin", "Costa", "Bianchi", "Lefèvre", "Berg",
    "Nielsen",
]
JOB_TITLES = [
    "Head of Marketing", "CTO", "Procurement Manager", "Sales Director",
    "Data Protection Officer", "IT Lead, \"Cloud\"", "Managing Director", "Operations Manager",
    "Growth Analyst", None,
]
# (ISO 3166-1 alpha-2, dialling code, [(city, region)])
PLACES = [
    ("DE", "49", [("Berlin", "Berlin"), ("Hamburg", "Hamburg"), ("München", "Bayern")]),
    ("FR", "33", [("Paris", "Île-de-France"), ("Lyon", "Auvergne-Rhône-Alpes")]),
    ("GB", "44", [("London", "England"), ("Manchester", "England"), ("Edinburgh", "Scotland")]),
    ("NL", "31", [("Amsterdam", "Noord-Holland"), ("Utrecht", "Utrecht")]),
    ("ES", "34", [("Madrid", "Comunidad de Madrid"), ("Barcelona", "Cataluña")]),
    ("IT", "39", [("Milano", "Lombardia"), ("Roma", "Lazio")]),
    ("PL", "48", [("Warszawa", "Mazowieckie"), ("Kraków", "Małopolskie")]),
    ("SE", "46", [("Stockholm", "Stockholm"), ("Göteborg", "Västra Götaland")]),
    ("AT", "43", [("Wien", "Wien")]),
    ("US", "1", [("New York", "NY"), ("Austin", "TX")]),
]
COMPANY_STEMS = [
    "Nordlicht", "Bergmann", "Alpenglühen", "Blue Harbour", "Cedar", "Delta", "Elbe", "Fjord",
    "Granite", "Helios", "Iberia", "Juniper", "Kestrel", "Lumen", "Meridian", "Nimbus", "Orion",
    "Pinnacle", "Quartz", "Riviera", "Sable", "Tanne", "Umbra", "Vireo", "Wacholder", "Zenit",
]
COMPANY_FORMS = [
    "GmbH", "AG", "SE", "Ltd", "B.V.", "S.A.", "S.p.A.", "Sp. z o.o.", "AB", "Inc.",
]
INDUSTRIES = [
    "Software", "Manufacturing", "Retail", "Logistics", "Financial services", "Healthcare",
    "Energy", "",
]
DEVICES = ["desktop"] * 6 + ["mobile"] * 3 + ["tablet", "other"]
BROWSERS = [
    "Chrome", "Firefox", "Safari", "Edge", "Samsung Internet", "Opera", "",
]
REFERRERS = [
    "www.google.com", "www.bing.com", "www.linkedin.com", "duckduckgo.com", "news.example",
    None, None,
]
EVENT_TYPES = ["page_view"] * 6 + [
    "form_submit", "download", "video_play", "chat_started", "email_click",
]
PAGES = [
    "/", "/pricing", "/product/analytics", "/product/lead-insights", "/blog/gdpr-and-analytics",
    "/case-studies/retail", "/contact", "/downloads/whitepaper.pdf", "/webinars/spring",
    "/search?q=price,plans&lang=de", "/über-uns",
]
EMPLOYEE_RANGES = [
    "1-10", "11-50", "51-200", "201-500", "501-1000", "1001-5000", "5001+", None,
]
# fmt: on


@dataclass
class SampleDataCounts:
    leads: int = 0
    visitor_profiles: int = 0
    journey_insights: int = 0
    organisation_profiles: int = 0
    refused: int = 0  # leads skipped because the subject is on the suppression list

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@functools.cache
def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize(
        "NFKD", text.replace("ł", "l").replace("Ł", "L").replace("ø", "o")
    )
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalnum())


# Keys are laid out as UUID version 7 (RFC 9562): 48 bits of milliseconds, then the version,
# then random bits with the variant. The milliseconds come from a counter started at ANCHOR,
# as if the product had assigned each key at insert, so the rows arrive in key order and a
# million leads load by appending to the key indexes instead of scattering over them.
_UUID_VERSION_AND_VARIANT = (0x7 << 76) | (0x2 << 62)
_UUID_RANDOM_MASK = (0xFFF << 64) | ((1 << 62) - 1)


class _Generator:
    """Draws every value from one seeded generator. Speed matters here (a million leads are
    about nine million rows): random() scaled by hand instead of randrange and choice, which
    cost several times more in pure Python, and keys as hex text that both COPY and the
    model fields accept, without building uuid.UUID objects."""

    def __init__(self, *, tenant_id: uuid.UUID, seed: int, site: str):
        generator = random.Random(f"{seed}:{tenant_id}")
        self._random = generator.random
        self._bits = generator.getrandbits
        self._clock = int(ANCHOR.timestamp() * 1000)
        self.tenant_id = tenant_id
        self.site = site

    def below(self, limit: int) -> int:
        return int(self._random() * limit)

    def pick(self, values):
        return values[int(self._random() * len(values))]

    def uuid(self) -> str:
        self._clock += 1
        random_bits = self._bits(76) & _UUID_RANDOM_MASK
        return f"{(self._clock << 80) | _UUID_VERSION_AND_VARIANT | random_bits:032x}"

    def moment(
        self, after: datetime.datetime | None = None, within_days: int = 60
    ) -> datetime.datetime:
        if after is None:
            return ANCHOR - datetime.timedelta(
                seconds=self.below(SPAN_SECONDS), microseconds=self.below(1_000_000)
            )
        return min(after + datetime.timedelta(seconds=self.below(within_days * 86400)), ANCHOR)

    def company(self) -> tuple[str, str]:
        stem = self.pick(COMPANY_STEMS)
        form = self.pick(COMPANY_FORMS)
        # Some names carry a comma or an ampersand, as real ones do.
        name = self.pick((f"{stem} {form}", f"{stem} & Partner {form}", f"{stem}, {form}"))
        return name, f"{_ascii(stem).lower()}.example"

    def lead(self, number: int) -> tuple:
        first, last = self.pick(FIRST_NAMES), self.pick(LAST_NAMES)
        company, domain = self.company()
        country, dialling, cities = self.pick(PLACES)
        city, region = self.pick(cities)
        created_at = self.moment()
        last_seen_at = self.moment(created_at)
        return (
            self.uuid(),  # contact_id
            self.tenant_id,
            first,
            last,
            f"{_ascii(first).lower()}.{_ascii(last).lower()}.{number}@{domain}",
            f"+{dialling}{100_000_000 + self.below(900_000_000)}" if self._random() < 0.7 else None,
            company,
            self.pick(JOB_TITLES),
            country,
            f"198.{18 + self.below(2)}.{self.below(256)}.0/24",  # RFC 2544 benchmark range
            city,
            region,
            self._random() < 0.4,  # consent_marketing
            self.moment(created_at, 7) if self._random() < 0.9 else None,
            self.below(101),
            1 + self.below(249),
            last_seen_at,
            created_at,
            max(created_at, last_seen_at),
        )

    def profile(self, *, contact_id, country, created_at, last_seen_at) -> tuple:
        first_seen_at = created_at - datetime.timedelta(seconds=self.below(30 * 86400))
        return (
            self.uuid(),  # profile_id
            self.tenant_id,
            contact_id,
            first_seen_at,
            max(first_seen_at, last_seen_at),
            1 + self.below(39),
            1 + self.below(299),
            country,
            self.pick(DEVICES),
            self.pick(BROWSERS),
            self.pick(REFERRERS),
            first_seen_at,
        )

    def event(self, profile: tuple) -> tuple:
        first_seen_at, last_seen_at = profile[3], profile[4]
        span = max(1, int((last_seen_at - first_seen_at).total_seconds()))
        occurred_at = first_seen_at + datetime.timedelta(
            seconds=self.below(span), microseconds=self.below(1_000_000)
        )
        event_type = self.pick(EVENT_TYPES)
        return (
            self.uuid(),  # event_id
            self.tenant_id,
            profile[0],
            occurred_at,
            event_type,
            f"https://{self.site}{self.pick(PAGES)}",
            1 + self.below(599) if event_type in ("page_view", "video_play") else None,
            occurred_at + datetime.timedelta(seconds=1 + self.below(4)),
        )

    def organisation(self) -> tuple:
        name, domain = self.company()
        country, _dialling, cities = self.pick(PLACES)
        city, _region = self.pick(cities)
        first = self.moment()
        return (
            self.uuid(),  # organisation_id
            self.tenant_id,
            name,
            domain,
            self.pick(INDUSTRIES),
            self.pick(EMPLOYEE_RANGES),
            country,
            city,
            1 + self.below(499),
            first,
            self.moment(first, 180),
            first,
        )


def _columns(model) -> list[str]:
    """The columns sample rows fill: all but the rights-request flags (false by default)."""
    return [
        field.attname for field in model._meta.concrete_fields if field.attname not in SUBJECT_FLAGS
    ]


class _BulkCreateWriter:
    """Writes each batch with bulk_create (SQLite and other databases)."""

    def write(self, batch: dict) -> None:
        for model, rows in batch.items():
            columns = _columns(model)
            model.objects.bulk_create(
                [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=500
            )

    def close(self) -> None:
        pass


class _CopyWriter:
    """Writes each batch with COPY FROM STDIN (PostgreSQL), in a second thread, so the server
    stores one batch while this thread draws the next. The thread uses the same database
    connection, and so the same transaction, while this thread leaves it alone: at most one
    batch is in flight, and close() waits for it."""

    def __init__(self, connection):
        connection.ensure_connection()
        self.connection = connection.connection  # psycopg's, which may be used from a thread
        self.statements = {}
        for model in (Lead, VisitorProfile, JourneyEvent, OrganisationProfile):
            table = connection.ops.quote_name(model._meta.db_table)
            names = ", ".join(connection.ops.quote_name(column) for column in _columns(model))
            self.statements[model] = f"COPY {table} ({names}) FROM STDIN"
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sample-data-copy")
        self.pending = None

    def _copy(self, batch: dict) -> None:
        with self.connection.cursor() as cursor:
            for model, rows in batch.items():
                if rows:
                    with cursor.copy(self.statements[model]) as copy:
                        for row in rows:
                            copy.write_row(row)

    def write(self, batch: dict) -> None:
        self._wait()
        self.pending = self.pool.submit(self._copy, batch)

    def _wait(self) -> None:
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending.result()  # raises the thread's error here

    def close(self) -> None:
        try:
            self._wait()
        finally:
            self.pool.shutdown(wait=True)


def generate_sample_data(
    *,
    tenant_id: uuid.UUID,
    leads: int,
    seed: int = 0,
    site: str = "www.customer.example",
    batch_size: int = 5000,
) -> SampleDataCounts:
    """Add `leads` leads and proportionate rows of the other categories to the tenant, in one
    transaction. The caller makes sure the tenant has no rows yet (keys come from the seed)."""
    generator = _Generator(tenant_id=tenant_id, seed=seed, site=site)
    suppression = SuppressionCheck.for_tenant(tenant_id)
    connection = connections[router.db_for_write(Lead)]
    counts = SampleDataCounts()
    with transaction.atomic(using=connection.alias):
        writer = (
            _CopyWriter(connection) if connection.vendor == "postgresql" else _BulkCreateWriter()
        )
        try:
            _generate(generator, suppression, writer, counts, leads=leads, batch_size=batch_size)
        finally:
            writer.close()  # before the transaction ends, whichever way
        if connection.vendor == "postgresql":
            # Statistics of tables that looked empty would have the planner loop over every
            # row for each subject looked up next in this transaction (seed_demo's requests).
            with connection.cursor() as cursor:
                cursor.execute(
                    "ANALYZE "
                    + ", ".join(
                        connection.ops.quote_name(model._meta.db_table)
                        for model in (Lead, VisitorProfile, JourneyEvent, OrganisationProfile)
                    )
                )
    return counts


def _generate(generator, suppression, writer, counts, *, leads: int, batch_size: int) -> None:
    for start in range(0, leads, batch_size):
        batch = {model: [] for model in (Lead, VisitorProfile, JourneyEvent, OrganisationProfile)}
        for number in range(start, min(start + batch_size, leads)):
            lead = generator.lead(number)
            place_and_time = {"country": lead[8], "created_at": lead[17], "last_seen_at": lead[16]}
            profile = generator.profile(contact_id=lead[0], **place_and_time)
            events = [generator.event(profile) for _ in range(EVENTS_PER_PROFILE)]
            if number % 2 == 1:
                anonymous = generator.profile(contact_id=None, **place_and_time)
                batch[VisitorProfile].append(anonymous)
                batch[JourneyEvent].extend(
                    generator.event(anonymous) for _ in range(EVENTS_PER_PROFILE)
                )
            if number % LEADS_PER_ORGANISATION == 0:
                batch[OrganisationProfile].append(generator.organisation())
            # Every row is drawn before the check, so a refusal does not change the rest.
            if suppression.refuses(email=lead[4], phone=lead[5], contact_id=lead[0]):
                counts.refused += 1
                continue
            batch[Lead].append(lead)
            batch[VisitorProfile].append(profile)
            batch[JourneyEvent].extend(events)
        writer.write(batch)
        counts.leads += len(batch[Lead])
        counts.visitor_profiles += len(batch[VisitorProfile])
        counts.journey_insights += len(batch[JourneyEvent])
        counts.organisation_profiles += len(batch[OrganisationProfile])
