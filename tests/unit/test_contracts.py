"""The shared vocabulary: strict, bounded validation and the ordered skill ladder."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.common import taxonomy
from services.common.contracts import (
    PostingFields,
    SkillLevel,
    WorkerFields,
    mask_certificate_number,
    mask_email,
    mask_name,
    mask_phone,
)
from services.common.settings import PlatformSettings

pytestmark = pytest.mark.unit

WORKER = {
    "name": "王建国", "region": "150602", "occupations": [{"code": "6-18-02-04", "name": "焊工"}],
    "skill_level": "technician", "skills": [{"name": "氩弧焊", "proficiency": 5, "years": 12}],
    "wage_expectation": {"min": 300, "max": 500, "unit": "day"}, "open_regions": ["1506", "15"],
}


def _errors(model, data) -> set[str]:
    with pytest.raises(ValidationError) as exc:
        model.model_validate(data)
    return {".".join(str(p) for p in e["loc"]) for e in exc.value.errors()}


def test_the_ladder_is_ordered_and_high_skill_starts_at_senior():
    assert [lvl.rank for lvl in SkillLevel] == list(range(8))
    assert SkillLevel.technician.rank > SkillLevel.senior.rank
    assert [lvl.value for lvl in SkillLevel if lvl.high_skill][0] == "senior"
    assert SkillLevel.senior_technician.label_zh == "高级技师"


def test_a_valid_worker_passes():
    w = WorkerFields.model_validate(WORKER)
    assert w.skill_level is SkillLevel.technician and w.consent.matching is False


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"region": "1506"}, "region"),
        ({"region": "990101"}, "region"),
        ({"occupations": [{"code": "9-99-99-99", "name": "x"}]}, "occupations.0.code"),
        ({"skills": [{"name": "x", "proficiency": 6}]}, "skills.0.proficiency"),
        ({"skills": [{"name": "x", "proficiency": "5"}]}, "skills.0.proficiency"),
        ({"wage_expectation": {"min": 500, "max": 300, "unit": "day"}}, "wage_expectation"),
        ({"skill_level": "master"}, "skill_level"),
        ({"unknown_field": 1}, "unknown_field"),
        ({"name": "x" * 101}, "name"),
        ({"skills": [{"name": f"s{i}", "proficiency": 3} for i in range(51)]}, "skills"),
        ({"availability": {"modes": ["project", "project"]}}, "availability.modes"),
        ({"open_regions": ["990000"]}, "open_regions"),
    ],
)
def test_bad_worker_fields_are_named(patch, field):
    assert field in _errors(WorkerFields, {**WORKER, **patch})


def test_free_text_occupation_without_a_code_is_allowed():
    w = WorkerFields.model_validate({**WORKER, "occupations": [{"name": "无人机植保员（自定义）"}]})
    assert w.occupations[0].code is None


def test_posting_dates_must_be_ordered():
    base = {"kind": "project", "title": "焊接修复", "region": "150602", "start_on": "2026-12-15"}
    assert PostingFields.model_validate({**base, "deadline": "2026-12-10"}).deadline is not None
    with pytest.raises(ValidationError):
        PostingFields.model_validate({**base, "deadline": "2026-12-20"})


def test_taxonomy_rolls_up_and_checks_regions():
    assert taxonomy.ancestors("6-18-02-04") == ["6-18-02-04", "6-18-02", "6-18", "6"]
    assert taxonomy.within("6-18-02-04", "6-18") and not taxonomy.within("6-18-02-04", "6-1")
    assert taxonomy.occupation("6-18-02-04").name == "焊工"
    assert taxonomy.valid_region("150602") and taxonomy.valid_region("15") and not taxonomy.valid_region("00")


def test_masks_hide_personal_data():
    assert mask_phone("13800000001") == "138******01"
    assert mask_email("wjg@example.com") == "w***@example.com"
    assert mask_certificate_number("1915000000123") == "19*********23"
    assert mask_name("王建国") == "王**"


def test_production_refuses_to_start_without_a_real_signing_key(monkeypatch):
    monkeypatch.setenv("TALENTFLOW_ENV", "production")
    monkeypatch.delenv("TALENTFLOW_SIGNING_KEY", raising=False)
    with pytest.raises(ValidationError):
        PlatformSettings()
    monkeypatch.setenv("TALENTFLOW_SIGNING_KEY", "short")
    with pytest.raises(ValidationError):
        PlatformSettings()
    monkeypatch.setenv("TALENTFLOW_SIGNING_KEY", "s" * 40)
    assert PlatformSettings().signing_keys()[0] == "s" * 40


def test_embedded_key_is_created_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("TALENTFLOW_SIGNING_KEY", raising=False)
    monkeypatch.delenv("TALENTFLOW_ENV", raising=False)
    first = PlatformSettings(TALENTFLOW_HOME=tmp_path).signing_keys()[0]
    assert len(first) >= 32 and PlatformSettings(TALENTFLOW_HOME=tmp_path).signing_keys()[0] == first


def test_settings_never_read_unprefixed_shell_variables(tmp_path, monkeypatch):
    """A shell's HOME or ENV must not become the data folder or the environment (issue 13.1)."""
    for name in ("TALENTFLOW_HOME", "TALENTFLOW_ENV", "TALENTFLOW_SIGNING_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "shell-home"))
    monkeypatch.setenv("ENV", "production")
    monkeypatch.setenv("SIGNING_KEY", "x" * 40)
    monkeypatch.chdir(tmp_path)
    settings = PlatformSettings()
    assert settings.home == tmp_path / "var"
    assert settings.home.is_absolute()
    assert settings.env == "development"
    assert settings.signing_key is None


def test_cli_token_with_bad_settings_says_why_without_a_traceback(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("TALENTFLOW_")}
    env["TALENTFLOW_ENV"] = "production"
    done = subprocess.run(
        [sys.executable, "-m", "services.common.cli", "token", "--role", "admin", "--subject", "root"],
        env=env, cwd=os.getcwd(), capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "TALENTFLOW_SIGNING_KEY" in done.stderr


def test_a_token_signed_by_another_key_is_refused_with_that_reason():
    from services.common.auth import Role, TokenIssuer
    from services.common.errors import Unauthenticated

    token = TokenIssuer(["a" * 40]).issue(Role.admin, "root")
    with pytest.raises(Unauthenticated) as caught:
        TokenIssuer(["b" * 40]).verify(token)
    assert "signed by another key" in str(caught.value.detail if hasattr(caught.value, "detail") else caught.value)
