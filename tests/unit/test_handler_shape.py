"""One transaction boundary (issue 15): handlers and routes say what to change; the unit of work
(services/common/uow.py) opens the transaction and the store owns the SQL. So no `handlers.py` or
`api.py` imports SQLAlchemy or reaches for an engine."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

SERVICES = Path(__file__).resolve().parents[2] / "services"


def offenders(service: str, root: Path = SERVICES) -> list[str]:
    found = []
    for name in ("handlers.py", "api.py"):
        path = root / service / name
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [f"{name}:{node.lineno} import {a.name}" for a in node.names if a.name.split(".")[0] == "sqlalchemy"]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlalchemy":
                found.append(f"{name}:{node.lineno} from {node.module} import …")
            elif isinstance(node, ast.Attribute) and node.attr == "engine":
                found.append(f"{name}:{node.lineno} .engine")
            elif isinstance(node, ast.Name) and node.id == "engine":
                found.append(f"{name}:{node.lineno} engine")
    return found


@pytest.mark.parametrize("service", [
    "profiles",
    "jobs",
    "jobs/courses",
    "notify",
    "matching",
    "matching/market",
    "matching/courses",
])
def test_handlers_and_routes_leave_transactions_and_sql_to_the_unit_of_work(service: str) -> None:
    assert offenders(service) == []


def test_the_check_finds_imports_and_engines(tmp_path: Path) -> None:
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "handlers.py").write_text(
        "import sqlalchemy as sa\nfrom sqlalchemy.engine import Row\n\n"
        "def f(deps):\n    with deps.engine.begin() as conn:\n        pass\n")
    (tmp_path / "svc" / "api.py").write_text('"""Routes; the SQLAlchemy word in a docstring is fine."""\n')
    assert offenders("svc", tmp_path) == ["handlers.py:1 import sqlalchemy", "handlers.py:2 from sqlalchemy.engine import …",
                                          "handlers.py:5 .engine"]
