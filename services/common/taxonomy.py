"""Reference data: the national occupational classification (2022) and GB/T 2260 provinces.

Occupations come from `data/occupations-2022.csv` (CC BY 4.0, see data/OCCUPATIONS-README.md).
The full GB/T 2260 county list is not shipped: a region is checked by its shape (2, 4 or 6 digits)
and by its province prefix, which is the part every roll-up relies on.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

PROVINCES: dict[str, str] = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省",
    "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省",
    "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区", "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}


@dataclass(frozen=True, slots=True)
class OccupationEntry:
    code: str
    name: str
    level: str  # major / mid / small / occupation / job_type
    parent_code: str | None


@cache
def occupations() -> dict[str, OccupationEntry]:
    text = resources.files("services.common.data").joinpath("occupations-2022.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    return {
        r["code"]: OccupationEntry(r["code"], r["name"], r["level"], r["parent_code"] or None) for r in rows
    }


def occupation(code: str) -> OccupationEntry | None:
    return occupations().get(code)


def ancestors(code: str) -> list[str]:
    """The code and every parent up to its major group: 6-18-02-04 → [6-18-02-04, 6-18-02, 6-18, 6]."""
    chain: list[str] = []
    entry = occupation(code)
    while entry is not None:
        chain.append(entry.code)
        entry = occupation(entry.parent_code) if entry.parent_code else None
    return chain or [code]


def within(code: str | None, prefix: str) -> bool:
    """True when an occupation code is the prefix code or below it in the hierarchy."""
    return bool(code) and (code == prefix or code.startswith(prefix + "-"))


def valid_region(code: str) -> bool:
    return code.isdigit() and len(code) in (2, 4, 6) and code[:2] in PROVINCES


def province_name(code: str) -> str | None:
    return PROVINCES.get(code[:2])
