"""ISO 3166-1 alpha-2 country codes, for validating where a sub-processor processes data, and
their names, for saying it in words.

The codes are written out here because no installed package provides the list (pycountry and
django-countries are not dependencies); the officially assigned codes as of 2024. The names
come from the IANA time zone database's `iso3166.tab`, which the `tzdata` package ships and
keeps up to date, passed through gettext so a catalogue can translate them."""

import functools
from importlib import resources

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext as _

ISO_3166_ALPHA_2 = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
    DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
    GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
    KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
    MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
    PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
    SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
    VN VU WF WS YE YT ZA ZM ZW
    """.split()
)


def normalise_countries(values) -> list[str]:
    """Upper-cased, de-duplicated codes in their given order, or a ValidationError naming the
    codes that are not ISO 3166-1 alpha-2."""
    if isinstance(values, str):
        values = values.replace(";", ",").split(",")
    codes: list[str] = []
    for value in values or []:
        code = str(value).strip().upper()
        if code and code not in codes:
            codes.append(code)
    unknown = [code for code in codes if code not in ISO_3166_ALPHA_2]
    if unknown:
        raise ValidationError(
            _("Not ISO 3166-1 alpha-2 country codes: %(codes)s (e.g. DE, IE, US).")
            % {"codes": ", ".join(unknown)},
            code="invalid_country",
        )
    if not codes:
        raise ValidationError(_("Name at least one processing country."), code="required")
    return codes


# Where the tz database's short names read oddly in a sentence about processing locations.
_PREFERRED_NAMES = {"GB": "United Kingdom"}


@functools.cache
def _names() -> dict[str, str]:
    try:
        text = resources.files("tzdata").joinpath("zoneinfo/iso3166.tab").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return dict(_PREFERRED_NAMES)
    names = {}
    for line in text.splitlines():
        if line and not line.startswith("#") and "\t" in line:
            code, name = line.split("\t", 1)
            names[code.strip()] = name.strip()
    names.update(_PREFERRED_NAMES)
    return names


def country_name(code: str) -> str:
    """The country's name in the active language ("DE" → "Germany"); the code itself when
    the list does not know it."""
    code = str(code).strip().upper()
    name = _names().get(code)
    return gettext(name) if name else code


def country_names(codes) -> str:
    """Codes as names in their order, joined: "Germany, Netherlands"."""
    return ", ".join(country_name(code) for code in codes or [])
