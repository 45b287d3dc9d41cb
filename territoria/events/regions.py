"""Countries (ISO 3166-1 alpha-2) -> the seven world regions of UCLG's sections, for the
calendar's region filter. Written here from the sections' membership areas; an editor can
set an event's region by hand when a country sits between two."""

from django.utils.translation import gettext_lazy as _

REGIONS = {
    "africa": _("Africa"),
    "asia_pacific": _("Asia-Pacific"),
    "eurasia": _("Eurasia"),
    "europe": _("Europe"),
    "latin_america": _("Latin America and the Caribbean"),
    "mewa": _("Middle East and West Asia"),
    "north_america": _("North America"),
}

_COUNTRIES = {
    "africa": "AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EG EH ER ET GA GH GM GN GQ GW KE KM LR LS LY MA MG ML MR MU MW MZ NA NE "
              "NG RE RW SC SD SH SL SN SO SS ST SZ TD TG TN TZ UG YT ZA ZM ZW",
    "asia_pacific": "AS AU BD BN BT CC CK CN CX FJ FM GU HK ID IN JP KH KI KP KR LA LK MH MM MN MO MP MV MY NC NF NP NR NU NZ PF PG "
                    "PH PK PN PW SB SG TH TK TL TO TV TW VN VU WF WS",
    "eurasia": "AM AZ BY GE KG KZ MD RU TJ TM UA UZ",
    "europe": "AD AL AT AX BA BE BG CH CY CZ DE DK EE ES FI FO FR GB GG GI GR HR HU IE IM IS IT JE LI LT LU LV MC ME MK MT NL NO PL "
              "PT RO RS SE SI SJ SK SM VA XK",
    "latin_america": "AG AI AR AW BB BL BO BQ BR BS BZ CL CO CR CU CW DM DO EC FK GD GF GP GT GY HN HT JM KN KY LC MF MQ MS MX NI PA "
                     "PE PR PY SR SV SX TC TT UY VC VE VG VI",
    "mewa": "AE AF BH IL IQ IR JO KW LB OM PS QA SA SY TR YE",
    "north_america": "BM CA GL PM US",
}
REGION_OF = {code: region for region, codes in _COUNTRIES.items() for code in codes.split()}


def region_of(country: str) -> str:
    return REGION_OF.get((country or "").upper(), "")
