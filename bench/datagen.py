"""Synthetic, reproducible workers and postings at national scale (no real persons).

Streams client-shaped dicts (DESIGN §3 "Shapes") one at a time, so a million workers never sit in
memory. Occupations come from the 2022 classification, weighted toward skilled trades; regions
are real GB/T 2260 county codes; the skill ladder follows a realistic pyramid; skills, wages and
availability depend on the trade and the level.

    python -m bench.datagen --workers 5 --postings 2 --seed 7      # prints JSON lines
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from collections.abc import Iterator

from services.common import taxonomy

# Trades with their skills (names as workers and employers write them, synonyms included on purpose).
TRADES: list[tuple[str, str, list[str], int]] = [
    # (occupation code, name, skills, weight)
    ("6-18-02-04", "焊工", ["氩弧焊", "二氧化碳保护焊", "手工电弧焊", "压力容器焊接", "管道焊接", "电焊", "焊接工艺评定"], 14),
    ("6-31-01-03", "电工", ["低压电工", "高压电工", "PLC编程", "电气控制柜装配", "电工", "变频器调试"], 12),
    ("6-18-01-01", "车工", ["数控车床操作", "普通车床", "CAD识图", "数控编程", "车削加工"], 9),
    ("6-18-01-02", "铣工", ["数控铣床操作", "加工中心操作", "CAD识图", "数控编程"], 6),
    ("6-31-01-02", "机修钳工", ["装配钳工", "机修钳工", "划线", "刮研", "设备维修"], 8),
    ("4-12-01-01", "汽车维修工", ["发动机维修", "汽车电路检修", "新能源汽车维修", "底盘维修", "钣金"], 8),
    ("6-11-01-03", "化工总控工", ["化工操作", "DCS操作", "精馏", "反应釜操作", "安全生产"], 5),
    ("6-29-03-03", "电梯安装维修工", ["电梯安装", "电梯维修", "电梯保养", "电气控制"], 4),
    ("6-30-05-01", "起重装卸机械操作工", ["起重机操作", "桥式起重机", "叉车驾驶", "塔吊操作"], 4),
    ("4-03-02-01", "中式烹调师", ["中式烹调", "面点制作", "食品安全", "宴席设计"], 5),
    ("4-10-01-03", "保育师", ["婴幼儿护理", "早期教育", "营养配餐"], 3),
    ("6-29-01-01", "砌筑工", ["砌筑", "抹灰", "识图"], 3),
    ("6-29-01-03", "混凝土工", ["混凝土浇筑", "模板安装", "钢筋绑扎"], 3),
    ("4-06-01-02", "中央空调系统运行操作员", ["中央空调运维", "制冷设备维修", "暖通"], 2),
    ("6-31-01-04", "仪器仪表维修工", ["仪表校验", "DCS维护", "自动化仪表"], 3),
    ("6-31-07-03", "工业机器人系统操作员", ["工业机器人编程", "机器人示教", "PLC编程", "视觉系统调试"], 3),
    ("4-04-05-05", "人工智能训练师", ["数据标注", "模型训练", "Python"], 1),
]
REGIONS: list[str] = [
    "110101", "110105", "120101", "130102", "140105", "150102", "150202", "150602", "150603", "150621",
    "210102", "220102", "230102", "310101", "310115", "320102", "320505", "330106", "340104", "350102",
    "360102", "370102", "370202", "410105", "420106", "430104", "440106", "440305", "450103", "460105",
    "500103", "510107", "520102", "530102", "610113", "620102", "630102", "640104", "650102",
]
# Realistic pyramid of the ladder among skilled workers on such a platform.
LEVELS = ["apprentice", "junior", "intermediate", "senior", "technician", "senior_technician", "principal_technician", "chief_technician"]
LEVEL_WEIGHTS = [3, 18, 30, 28, 14, 6, 0.7, 0.3]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "建国伟强磊军勇杰涛明超华平刚辉鹏飞文斌宇浩"
ISSUERS = ["职业技能鉴定中心", "人力资源和社会保障厅", "技能人才评价中心"]
MODES = ["full_time", "part_time", "project", "remote_service"]
KINDS = ["full_time", "part_time", "project", "service"]
KIND_WEIGHTS = [55, 15, 20, 10]
BASE_MONTHLY = {lvl: 3800 + 1300 * i for i, lvl in enumerate(LEVELS)}

_TRADE_WEIGHTS = [t[3] for t in TRADES]


def _check_codes() -> None:
    for code, name, *_ in TRADES:
        entry = taxonomy.occupation(code)
        if entry is None or entry.name != name:
            raise SystemExit(f"bench trade {code} {name} is not in the classification")


def _monthly_to_unit(monthly: float, unit: str, duration_days: int | None = None) -> float:
    if unit == "day":
        return monthly / 21.75
    if unit == "hour":
        return monthly / 174
    if unit == "project":
        return monthly * (duration_days or 30) / 30.4
    return monthly


def iter_workers(n: int, seed: int = 1, *, start: int = 0) -> Iterator[dict]:
    """n worker profiles as a client writes them, ids `bw-<i>` (the id is not part of the body)."""
    _check_codes()
    for i in range(start, start + n):
        rng = random.Random(seed * 1_000_003 + i)
        code, occ_name, skills, _ = rng.choices(TRADES, weights=_TRADE_WEIGHTS)[0]
        level = rng.choices(LEVELS, weights=LEVEL_WEIGHTS)[0]
        rank = LEVELS.index(level)
        region = rng.choice(REGIONS)
        years = max(0, min(45, int(rng.gauss(4 + rank * 4, 4))))
        picked = rng.sample(skills, k=min(len(skills), rng.randint(1, 4)))
        modes = rng.sample(MODES, k=rng.choices([1, 2, 3], weights=[60, 30, 10])[0])
        unit = rng.choices(["month", "day", "hour"], weights=[70, 25, 5])[0]
        monthly = BASE_MONTHLY[level] * rng.uniform(0.85, 1.25)
        low = round(_monthly_to_unit(monthly, unit), 0)
        worker = {
            "name": rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, k=rng.randint(1, 2))),
            "contact": {"phone": f"1{rng.randint(3, 9)}{rng.randint(0, 999_999_999):09d}", "email": f"worker{i}@example.com"},
            "region": region,
            "occupations": [{"code": code, "name": occ_name}],
            "skill_level": level,
            "skills": [{"name": s, "proficiency": max(1, min(5, rank // 2 + rng.randint(1, 3))), "years": min(years, rng.randint(1, 20))} for s in picked],
            "certificates": [
                {"occupation": occ_name, "level": level, "number": f"{rng.randint(10**12, 10**13 - 1)}",
                 "issuer": rng.choice(ISSUERS), "issued_on": f"{2026 - rng.randint(0, 12)}-0{rng.randint(1, 9)}-15",
                 "verified": rng.random() < 0.6}
            ] if rank >= 2 and rng.random() < 0.8 else [],
            "awards": [{"name": "职业技能大赛", "tier": rng.choice(["national", "provincial", "city", "enterprise"]),
                        "rank": rng.randint(1, 20), "year": rng.randint(2015, 2026)}] if rank >= 4 and rng.random() < 0.3 else [],
            "achievements": [{"kind": "patent", "title": f"一种{rng.choice(skills)}辅助装置", "year": rng.randint(2015, 2026)}]
            if rank >= 4 and rng.random() < 0.15 else [],
            "experience_years": years,
            "availability": {"modes": modes, "hours_per_week": rng.choice([16, 24, 40, 44]),
                             "available_from": (dt.date(2026, 11, 1) + dt.timedelta(days=rng.randint(0, 90))).isoformat()},
            "wage_expectation": {"min": low, "max": round(low * rng.uniform(1.1, 1.5), 0), "unit": unit},
            "open_regions": rng.sample([region[:4], region[:2], rng.choice(REGIONS)[:4]], k=rng.randint(0, 2)),
            "consent": {"matching": rng.random() < 0.92, "share_contact": rng.random() < 0.5},
            "agency_id": None,
            "status": "active" if rng.random() < 0.95 else "paused",
        }
        yield worker


def iter_postings(n: int, seed: int = 2, *, start: int = 0) -> Iterator[dict]:
    """n postings as an employer writes them; the org is `org-<k>` (k from the index)."""
    _check_codes()
    for i in range(start, start + n):
        rng = random.Random(seed * 7_000_003 + i)
        code, occ_name, skills, _ = rng.choices(TRADES, weights=_TRADE_WEIGHTS)[0]
        kind = rng.choices(KINDS, weights=KIND_WEIGHTS)[0]
        level = rng.choices(LEVELS[1:6], weights=[10, 25, 35, 20, 10])[0]
        region = rng.choice(REGIONS)
        wanted = rng.sample(skills, k=min(len(skills), rng.randint(1, 3)))
        duration = rng.choice([30, 60, 90, 180]) if kind in ("project", "service") else None
        unit = {"full_time": "month", "part_time": rng.choice(["hour", "day"]), "project": rng.choice(["day", "project"]),
                "service": rng.choice(["day", "hour"])}[kind]
        monthly = BASE_MONTHLY[level] * rng.uniform(0.9, 1.35)
        low = round(_monthly_to_unit(monthly, unit, duration), 0)
        start_on = dt.date(2026, 12, 1) + dt.timedelta(days=rng.randint(0, 60))
        posting = {
            "kind": kind,
            "title": f"{occ_name}（{'、'.join(wanted[:2])}）",
            "description": f"招聘{occ_name}，要求熟练掌握{'、'.join(wanted)}，{rng.choice(['现场作业', '车间生产', '设备维护', '技术攻关', '项目交付'])}。",
            "occupation": {"code": code, "name": occ_name},
            "skills": [{"name": s, "min_proficiency": rng.randint(2, 4), "required": j == 0 or rng.random() < 0.5} for j, s in enumerate(wanted)],
            "min_skill_level": level,
            "certificates": [occ_name] if rng.random() < 0.4 else [],
            "headcount": rng.choices([1, 2, 3, 5, 10], weights=[50, 25, 12, 8, 5])[0],
            "wage": {"min": low, "max": round(low * rng.uniform(1.1, 1.6), 0), "unit": unit},
            "region": region,
            "remote_ok": kind == "service" and rng.random() < 0.4,
            "start_on": start_on.isoformat(),
            "duration_days": duration,
            "deadline": (start_on - dt.timedelta(days=rng.randint(1, 20))).isoformat(),
            "status": "open",
        }
        yield posting


def org_of(i: int) -> str:
    return f"org-{i % 5000}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=10)
    parser.add_argument("--postings", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    for w in iter_workers(args.workers, args.seed):
        sys.stdout.write(json.dumps(w, ensure_ascii=False) + "\n")
    for p in iter_postings(args.postings, args.seed + 1):
        sys.stdout.write(json.dumps(p, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
