"""Administrative division codes (GB/T 2260) as far as identity numbers need them.

The province list is fixed here and checked strictly. County codes come from the table that
python-stdnum ships (``stdnum/cn/loc.dat``), which also records the years each code was in use.
County codes are only ever a warning: codes are renamed and retired, while the numbers issued under
them stay legal for life (SPEC §2).
"""

from __future__ import annotations

from functools import cache, lru_cache

from stdnum import numdb

# GB/T 2260 first-level divisions: mainland provinces, autonomous regions and municipalities.
MAINLAND_PROVINCES = frozenset(
    [f"{code}" for code in range(11, 16)]
    + [f"{code}" for code in range(21, 24)]
    + [f"{code}" for code in range(31, 38)]
    + [f"{code}" for code in range(41, 47)]
    + [f"{code}" for code in range(50, 55)]
    + [f"{code}" for code in range(61, 66)]
)
TAIWAN_PROVINCE = "71"
HONG_KONG_PERMIT = "81"
MACAO_PERMIT = "82"
TAIWAN_PERMIT = "83"
RESIDENT_PROVINCES = MAINLAND_PROVINCES | {TAIWAN_PROVINCE}
# The 2023 permanent residence card for foreigners: "9", the two-digit province code of the
# issuing place, then the three-digit nationality code (ISO 3166-1 numeric).
FOREIGNER_CARD_PREFIX = "9"


@cache
def _county_table() -> numdb.NumDB:
    return numdb.get("cn/loc")


# A few thousand codes are real; the bound keeps arbitrary input from growing the cache.
@lru_cache(maxsize=16_384)
def county_is_known(region_code: str) -> bool:
    """Whether the six-digit code was ever a county-level (or higher) division in the table.

    Cached: the table is fixed for the life of the process and an import asks about the same few
    thousand codes again and again.
    """
    parts = _county_table().info(region_code)
    return len(parts) == 2 and "county" in parts[1][1]


def current_county_codes(prefecture_code: str) -> list[str]:
    """The county-level codes in use today under a prefecture (first four digits of ``230200``).

    Excludes the prefecture's own code and its ``01`` (市辖区, "city districts") umbrella code,
    which are not the place of anyone's registration.
    """
    province, prefecture = prefecture_code[:2], prefecture_code[2:4]
    codes = []
    for length, low, high, properties, _children in _province_children(province):
        county = properties.get("county", "")
        if length != 4 or not low.startswith(prefecture) or low != high:
            continue
        if low[2:] in {"00", "01"} or not _in_use_today(county):
            continue
        codes.append(province + low)
    return sorted(codes)


def _province_children(province: str) -> list:
    for _length, low, high, _properties, children in _county_table().prefixes:
        if low <= province <= high:
            return children
    return []


def _in_use_today(county: str) -> bool:
    """A county entry without a period, or whose last period has no end year, is in use today."""
    last = county.split(",")[-1]
    if not last.startswith("["):
        return True
    period = last[1:].split("]", 1)[0]
    return period.split("-", 1)[1] == ""
