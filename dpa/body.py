"""The body of a DPA version: Markdown (or restricted HTML) with a fixed set of placeholders.

Staff input never goes through Django's template engine. It is turned into HTML by Markdown,
cleaned by nh3 with a fixed allowlist, and its `{placeholder}`s are replaced by escaped values.
A body that needs cleaning is refused rather than silently changed: what staff wrote must be
what customers sign, so `body_problems` compares the HTML before and after cleaning and names
every element or attribute the allowlist would drop.
"""

import re
from html import escape
from html.parser import HTMLParser

import markdown
import nh3
from django.utils.translation import gettext as _

# Placeholders a body may use, and what each stands for (shown on the edit form).
PLACEHOLDERS = {
    "provider_name": "The provider's legal name",
    "provider_address": "The provider's address",
    "customer_legal_name": "The customer's legal name",
    "customer_address": "The customer's address",
    "signatory_name": "The customer's signatory",
    "signatory_title": "The signatory's title",
    "notices_email": "The customer's contact for notices",
    "effective_date": "The date the agreement takes effect",
    "objection_window_days": "Days the customer has to object to a new sub-processor",
    "breach_notification_hours": "Hours within which a personal data breach is notified",
    "version_number": "This DPA version's number",
    "subprocessor_list_version": "The number of the annexed sub-processor list version",
}
PLACEHOLDER_PATTERN = re.compile(r"\{([A-Za-z0-9_]+)\}")

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "dl", "dt", "em", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
URL_SCHEMES = {"https", "mailto"}
MARKDOWN_EXTENSIONS = ["tables", "sane_lists", "def_list"]


class _Inventory(HTMLParser):
    """Every (tag, attribute) that a piece of HTML holds, with counts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.items: dict[str, int] = {}
        self.comments = 0

    def _add(self, key):
        self.items[key] = self.items.get(key, 0) + 1

    def handle_starttag(self, tag, attrs):
        self._add(f"<{tag}>")
        for name, value in attrs:
            # An attribute whose value nh3 rewrote (a javascript: link) counts as dropped.
            self._add(f'<{tag} {name}="{(value or "").strip()}">')

    handle_startendtag = handle_starttag

    def handle_comment(self, data):
        self.comments += 1


def _inventory(html: str) -> _Inventory:
    parser = _Inventory()
    parser.feed(html)
    parser.close()
    return parser


def markdown_to_html(body: str) -> str:
    return markdown.markdown(body, extensions=MARKDOWN_EXTENSIONS, output_format="html")


def clean_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _dropped(raw: str, cleaned: str) -> list[str]:
    before, after = _inventory(raw), _inventory(cleaned)
    dropped = []
    for key, count in before.items.items():
        if after.items.get(key, 0) < count:
            name = key.split(" ", 1)
            dropped.append(name[0] if len(name) == 1 else f"{name[0]}> {name[1].split('=', 1)[0]}")
    if before.comments:
        dropped.append("<!-- -->")
    return sorted(set(dropped))


def body_problems(body: str) -> list[str]:
    """Why a body cannot be saved: unknown placeholders, and HTML the allowlist would drop
    (scripts, styles, event handlers, unsafe links, ...). Empty when it is fine."""
    problems = []
    unknown = sorted(
        {name for name in PLACEHOLDER_PATTERN.findall(body or "") if name not in PLACEHOLDERS}
    )
    for name in unknown:
        problems.append(
            _("Unknown placeholder {%(name)s}. The placeholders are: %(known)s.")
            % {"name": name, "known": ", ".join(f"{{{key}}}" for key in PLACEHOLDERS)}
        )
    raw = markdown_to_html(body or "")
    dropped = _dropped(raw, clean_html(raw))
    if dropped:
        problems.append(
            _(
                "Unsafe or unsupported HTML is not allowed: %(items)s. Use Markdown; links "
                "must start with https: or mailto:."
            )
            % {"items": ", ".join(dropped)}
        )
    return problems


def has_unsafe_html(body: str) -> bool:
    raw = markdown_to_html(body or "")
    return bool(_dropped(raw, clean_html(raw)))


def render_body(body: str, values: dict) -> str:
    """The body as safe HTML with its placeholders filled in (escaped). Values missing from
    `values` show as the placeholder's bracketed name, as in a preview."""

    def fill(match):
        name = match.group(1)
        if name not in PLACEHOLDERS:
            return escape(match.group(0))
        value = values.get(name)
        if value in (None, ""):
            return escape(f"[{PLACEHOLDERS[name]}]")
        return escape(str(value))

    html = clean_html(markdown_to_html(body or ""))
    return PLACEHOLDER_PATTERN.sub(fill, html)
