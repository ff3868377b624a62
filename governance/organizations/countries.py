"""Countries by ISO code, recognized from their code or their name in any of our languages,
and the network's four regions."""

from __future__ import annotations

import unicodedata
from functools import cache

from babel import Locale

from governance import i18n

REGION_OF = {
    **dict.fromkeys(["MX", "GT", "BZ", "HN", "SV", "NI", "CR", "PA"], "central_america_mexico"),
    **dict.fromkeys(["CU", "DO", "HT", "JM", "PR", "TT", "BB", "LC", "VC", "GD", "DM", "KN",
                     "AG", "BS", "GY", "SR"], "caribbean"),
    **dict.fromkeys(["CO", "VE", "EC", "PE", "BO"], "andean"),
    **dict.fromkeys(["BR", "PY", "UY", "AR", "CL"], "southern_cone"),
}

REGION_NAMES = {
    "central_america_mexico": i18n.N_("Central America and Mexico"),
    "caribbean": i18n.N_("Caribbean"),
    "andean": i18n.N_("Andean"),
    "southern_cone": i18n.N_("Southern Cone"),
}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def _by_name() -> dict[str, str]:
    names: dict[str, str] = {}
    for language in ("en", "es", "pt", "fr"):
        for code, name in Locale.parse(language).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(_fold(name), code)
    return names


def country_code(text: str) -> str | None:
    """'PE', 'Peru', 'Perú' and 'pérou' are all 'PE'; None when nothing matches."""
    cleaned = text.strip()
    if len(cleaned) == 2 and cleaned.upper() in Locale.parse("en").territories:
        return cleaned.upper()
    return _by_name().get(_fold(cleaned))


def country_name(code: str) -> str:
    return Locale.parse(i18n.current_language()).territories.get(code, code)
