"""The categories of the built-in source (four stored, one derived report): their fields,
types, standards and descriptions.

These are what the Data Act register publishes and what every export, rights-request answer
and deletion certificate names, so each field says what it means to the customer. A field's
`personal` flag means it identifies or describes a natural person, directly or through a
pseudonymous identifier (GDPR Art. 4(1) and (5)); record-keeping fields are not flagged.
"""

from exports.builtin_source.models import JourneyEvent, OrganisationProfile, VisitorProfile
from exports.sources.base import Category, FieldType, SchemaField

ISO_8601 = "ISO 8601"
RFC_4122 = "RFC 4122"
ISO_3166_1 = "ISO 3166-1 alpha-2"
RFC_5322 = "RFC 5322"
E_164 = "E.164"
RFC_4632 = "RFC 4632"  # CIDR notation of the masked IP network
RFC_3986 = "RFC 3986"  # URIs


def _choices(text_choices) -> tuple[str, ...]:
    return tuple(value for value, _label in text_choices.choices)


def _subject_flag_fields(record: str) -> tuple[SchemaField, ...]:
    """The flags a data subject's rights requests set on their rows (record-keeping about the
    requests, not personal data in themselves)."""
    return (
        SchemaField(
            "processing_restricted",
            FieldType.BOOLEAN,
            f"Whether processing of this {record} is restricted at the data subject's request "
            "(GDPR Art. 18): keep it, but use it for nothing else.",
            nullable=False,
        ),
        SchemaField(
            "objected_to_processing",
            FieldType.BOOLEAN,
            f"Whether the data subject objected to the processing of this {record} (GDPR Art. 21).",
            nullable=False,
        ),
        SchemaField(
            "suppressed",
            FieldType.BOOLEAN,
            f"Whether the data subject asked to be suppressed: this {record} must not be used "
            "for marketing or contact.",
            nullable=False,
        ),
        SchemaField(
            "opted_out_of_sale_sharing",
            FieldType.BOOLEAN,
            f"Whether the data subject opted out of the sale or sharing of this {record} "
            "(CCPA 1798.120, 1798.135): it must not be sold or shared.",
            nullable=False,
        ),
    )


LEADS = Category(
    id="leads",
    name="Lead contact data",
    description=(
        "Contacts identified for you: name, how to reach them, company and location, their "
        "marketing consent, and the behaviour and score that made them a lead. One row per contact."
    ),
    schema_version="1.2",
    date_field="created_at",
    migration_difficulty="easy",
    migration_notes=(
        "Flat contact records in standard formats (RFC 5322 email, E.164 phone, ISO 3166-1 "
        "countries) that any CRM imports by mapping columns. contact_id links the rows to visitor "
        "profiles. lead_score is the output of our scoring model on a 0 to 100 scale: keep it as "
        "a historical value, since another service scores differently."
    ),
    fields=(
        SchemaField(
            "contact_id",
            FieldType.UUID,
            "The contact's identifier; stable across exports.",
            standard=RFC_4122,
            personal=True,
            nullable=False,
        ),
        SchemaField(
            "first_name",
            FieldType.STRING,
            "Given name; empty when unknown.",
            personal=True,
            nullable=False,
            max_length=100,
        ),
        SchemaField(
            "last_name",
            FieldType.STRING,
            "Family name; empty when unknown.",
            personal=True,
            nullable=False,
            max_length=100,
        ),
        SchemaField(
            "email",
            FieldType.EMAIL,
            "Email address (addr-spec).",
            standard=RFC_5322,
            personal=True,
            max_length=254,
        ),
        SchemaField(
            "phone",
            FieldType.PHONE,
            "Phone number in international form, e.g. +4930123456.",
            standard=E_164,
            personal=True,
            max_length=16,
        ),
        SchemaField(
            "company",
            FieldType.STRING,
            "The company the contact gave or works for.",
            personal=True,
            max_length=200,
        ),
        SchemaField(
            "job_title",
            FieldType.STRING,
            "Job title as given by the contact.",
            personal=True,
            max_length=200,
        ),
        SchemaField(
            "country",
            FieldType.COUNTRY,
            "Country of the contact, upper-case alpha-2 code.",
            standard=ISO_3166_1,
            personal=True,
            max_length=2,
        ),
        SchemaField(
            "ip_network",
            FieldType.IP_NETWORK,
            "Network of the last visit in CIDR notation: IPv4 masked to /24, IPv6 to /48. "
            "The full address is never stored.",
            standard=RFC_4632,
            personal=True,
            max_length=49,
        ),
        SchemaField(
            "city",
            FieldType.STRING,
            "City, derived from the network or given by the contact.",
            personal=True,
            max_length=100,
        ),
        SchemaField(
            "region",
            FieldType.STRING,
            "Region or state, as for city.",
            personal=True,
            max_length=100,
        ),
        SchemaField(
            "consent_marketing",
            FieldType.BOOLEAN,
            "Whether the contact consented to marketing.",
            personal=True,
            nullable=False,
        ),
        SchemaField(
            "consent_recorded_at",
            FieldType.DATETIME,
            "When that consent or refusal was recorded, UTC.",
            standard=ISO_8601,
            personal=True,
        ),
        SchemaField(
            "lead_score",
            FieldType.INTEGER,
            "Score from 0 to 100 given by our scoring model (the model itself is not exported).",
            personal=True,
            nullable=False,
        ),
        SchemaField(
            "page_views",
            FieldType.INTEGER,
            "Pages the contact viewed on your website.",
            personal=True,
            nullable=False,
        ),
        SchemaField(
            "last_seen_at",
            FieldType.DATETIME,
            "The contact's last visit, UTC.",
            standard=ISO_8601,
            personal=True,
        ),
        SchemaField(
            "created_at",
            FieldType.DATETIME,
            "When the lead was created, UTC.",
            standard=ISO_8601,
            nullable=False,
        ),
        SchemaField(
            "updated_at",
            FieldType.DATETIME,
            "When the lead last changed, UTC.",
            standard=ISO_8601,
            nullable=False,
        ),
        *_subject_flag_fields("contact"),
    ),
)

VISITOR_PROFILES = Category(
    id="visitor_profiles",
    name="Visitor profiles",
    description=(
        "Visitors of your website, pseudonymous until identified as a lead: when they came, how "
        "often, from where and on which kind of device. One row per profile."
    ),
    schema_version="1.2",
    date_field="created_at",
    migration_difficulty="medium",
    migration_notes=(
        "Pseudonymous profiles keyed by profile_id and linked to leads by contact_id (empty for "
        "visitors never identified). The destination must accept historical profiles; device "
        "types are our classification, listed in the schema."
    ),
    fields=(
        SchemaField(
            "profile_id",
            FieldType.UUID,
            "The profile's identifier (pseudonymous).",
            standard=RFC_4122,
            personal=True,
            nullable=False,
        ),
        SchemaField(
            "contact_id",
            FieldType.UUID,
            "The lead this visitor was identified as; empty when anonymous.",
            standard=RFC_4122,
            personal=True,
        ),
        SchemaField(
            "first_seen_at",
            FieldType.DATETIME,
            "First visit, UTC.",
            standard=ISO_8601,
            personal=True,
            nullable=False,
        ),
        SchemaField(
            "last_seen_at",
            FieldType.DATETIME,
            "Latest visit, UTC.",
            standard=ISO_8601,
            personal=True,
            nullable=False,
        ),
        SchemaField(
            "sessions",
            FieldType.INTEGER,
            "Number of visits (sessions).",
            personal=True,
            nullable=False,
        ),
        SchemaField(
            "page_views",
            FieldType.INTEGER,
            "Pages viewed over all sessions.",
            personal=True,
            nullable=False,
        ),
        SchemaField(
            "country",
            FieldType.COUNTRY,
            "Country of the latest visit, from its network.",
            standard=ISO_3166_1,
            personal=True,
            max_length=2,
        ),
        SchemaField(
            "device_type",
            FieldType.STRING,
            "Kind of device of the latest visit.",
            personal=True,
            nullable=False,
            max_length=10,
            choices=_choices(VisitorProfile.DeviceType),
        ),
        SchemaField(
            "browser_family",
            FieldType.STRING,
            "Browser family, e.g. Firefox; empty when unknown.",
            personal=True,
            nullable=False,
            max_length=50,
        ),
        SchemaField(
            "referrer_domain",
            FieldType.STRING,
            "Domain the first visit came from; empty for direct visits.",
            personal=True,
            max_length=253,
        ),
        SchemaField(
            "created_at",
            FieldType.DATETIME,
            "When the profile was created, UTC.",
            standard=ISO_8601,
            nullable=False,
        ),
        *_subject_flag_fields("profile"),
    ),
)

JOURNEY_INSIGHTS = Category(
    id="journey_insights",
    name="Journey insights",
    description=(
        "What each visitor did on your website, event by event: page views, forms, downloads, "
        "videos. One row per event, linked to its visitor profile."
    ),
    schema_version="1.0",
    date_field="occurred_at",
    migration_difficulty="medium",
    migration_notes=(
        "An event stream linked to visitor profiles by profile_id. Event types are our "
        "vocabulary (listed in the schema): map them to the destination's event names. The "
        "largest category by far: export it by date period or through the API."
    ),
    fields=(
        SchemaField(
            "event_id", FieldType.UUID, "The event's identifier.", standard=RFC_4122, nullable=False
        ),
        SchemaField(
            "profile_id",
            FieldType.UUID,
            "The visitor profile the event belongs to.",
            standard=RFC_4122,
            personal=True,
            nullable=False,
        ),
        SchemaField(
            "occurred_at",
            FieldType.DATETIME,
            "When it happened, UTC.",
            standard=ISO_8601,
            personal=True,
            nullable=False,
        ),
        SchemaField(
            "event_type",
            FieldType.STRING,
            "What happened.",
            personal=True,
            nullable=False,
            max_length=20,
            choices=_choices(JourneyEvent.EventType),
        ),
        SchemaField(
            "page_url",
            FieldType.STRING,
            "The page it happened on (absolute URI).",
            standard=RFC_3986,
            personal=True,
            nullable=False,
            max_length=2000,
        ),
        SchemaField(
            "duration_seconds",
            FieldType.INTEGER,
            "Time spent, in seconds, where it applies.",
            personal=True,
        ),
        SchemaField(
            "created_at",
            FieldType.DATETIME,
            "When it was recorded, UTC.",
            standard=ISO_8601,
            nullable=False,
        ),
    ),
)

ORGANISATION_PROFILES = Category(
    id="organisation_profiles",
    name="Organisation profiles",
    description=(
        "Companies your visitors were matched to, with firmographic data and how often they "
        "visited. About organisations, not people: a data subject's request finds no rows here."
    ),
    schema_version="1.0",
    date_field="created_at",
    migration_difficulty="easy",
    migration_notes=(
        "Flat firmographic records (name, domain, industry, size, ISO 3166-1 country) that any "
        "CRM or account database imports by mapping columns. The matches are the output of our "
        "matching of visits to companies (the model is not exported): a destination service "
        "matches new visits with its own data, so its figures will differ after switching."
    ),
    fields=(
        SchemaField(
            "organisation_id",
            FieldType.UUID,
            "The organisation's identifier.",
            standard=RFC_4122,
            nullable=False,
        ),
        SchemaField("name", FieldType.STRING, "Company name.", nullable=False, max_length=200),
        SchemaField(
            "domain",
            FieldType.STRING,
            "The company's web domain; empty when unknown.",
            nullable=False,
            max_length=253,
        ),
        SchemaField(
            "industry",
            FieldType.STRING,
            "Industry; empty when unknown.",
            nullable=False,
            max_length=100,
        ),
        SchemaField(
            "employee_range",
            FieldType.STRING,
            "Number of employees, as a range.",
            max_length=10,
            choices=_choices(OrganisationProfile.EmployeeRange),
        ),
        SchemaField(
            "country",
            FieldType.COUNTRY,
            "Country of the company's headquarters.",
            standard=ISO_3166_1,
            max_length=2,
        ),
        SchemaField(
            "city", FieldType.STRING, "City of the company's headquarters.", max_length=100
        ),
        SchemaField(
            "matched_visits", FieldType.INTEGER, "Visits matched to the company.", nullable=False
        ),
        SchemaField(
            "first_matched_at",
            FieldType.DATETIME,
            "First matched visit, UTC.",
            standard=ISO_8601,
            nullable=False,
        ),
        SchemaField(
            "last_matched_at",
            FieldType.DATETIME,
            "Latest matched visit, UTC.",
            standard=ISO_8601,
            nullable=False,
        ),
        SchemaField(
            "created_at",
            FieldType.DATETIME,
            "When the profile was created, UTC.",
            standard=ISO_8601,
            nullable=False,
        ),
    ),
)

# A report, not stored rows: computed from journey_insights when exported, so it holds nothing
# of its own to erase and goes with the events it sums up.
ANALYTICAL_REPORTS = Category(
    id="analytical_reports",
    name="Analytical reports",
    description=(
        "Daily journey aggregates per visitor profile: for each profile and UTC day with "
        "activity, how many events of each kind and how much time. Computed from journey "
        "insights when exported; JSON through the API."
    ),
    schema_version="1.0",
    date_field="day",
    migration_difficulty="easy",
    migration_notes=(
        "Aggregates of the journey_insights rows, linked to visitor profiles by profile_id; a "
        "destination can import them as they are or compute them again from the events."
    ),
    formats=("json",),
    methods=("api",),
    derived=True,
    fields=(
        SchemaField(
            "report_id",
            FieldType.UUID,
            "The report row's identifier, the same for the same profile and day in every "
            "export (a name-based UUID of both).",
            standard=RFC_4122,
            nullable=False,
        ),
        SchemaField(
            "profile_id",
            FieldType.UUID,
            "The visitor profile the row sums up.",
            standard=RFC_4122,
            personal=True,
            nullable=False,
        ),
        SchemaField(
            "day", FieldType.DATE, "The UTC day.", standard=ISO_8601, personal=True, nullable=False
        ),
        SchemaField(
            "events",
            FieldType.INTEGER,
            "Events of the profile on that day.",
            personal=True,
            nullable=False,
        ),
        SchemaField(
            "page_views", FieldType.INTEGER, "Pages viewed.", personal=True, nullable=False
        ),
        SchemaField(
            "forms_submitted", FieldType.INTEGER, "Forms submitted.", personal=True, nullable=False
        ),
        SchemaField("downloads", FieldType.INTEGER, "Downloads.", personal=True, nullable=False),
        SchemaField(
            "videos_played", FieldType.INTEGER, "Videos played.", personal=True, nullable=False
        ),
        SchemaField(
            "time_spent_seconds",
            FieldType.INTEGER,
            "Time spent over the day's events, in seconds.",
            personal=True,
            nullable=False,
        ),
        SchemaField(
            "first_event_at",
            FieldType.DATETIME,
            "The day's first event, UTC.",
            standard=ISO_8601,
            personal=True,
            nullable=False,
        ),
        SchemaField(
            "last_event_at",
            FieldType.DATETIME,
            "The day's last event, UTC.",
            standard=ISO_8601,
            personal=True,
            nullable=False,
        ),
    ),
)

CATEGORIES = (LEADS, VISITOR_PROFILES, JOURNEY_INSIGHTS, ORGANISATION_PROFILES)
DERIVED_CATEGORIES = (ANALYTICAL_REPORTS,)
