"""Settings of the matching service (`MATCHING_*`), with the market feature's nested in them."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from services.common.settings import PlatformSettings
from services.matching.handlers import Tuning
from services.matching.inferred import Enrichment
from services.matching.market.app import MarketSettings
from services.matching.ranking import Weights


class Settings(PlatformSettings):
    """Settings of the matching service; its own names are prefixed MATCHING_."""

    model_config = SettingsConfigDict(env_prefix="MATCHING_", extra="ignore", populate_by_name=True)

    index_path: Path | None = Field(None, description="root of the embedded index; default <home>/index")
    index_commit_interval_s: float = Field(0.1, gt=0, le=10, description="near-real-time commit interval (tantivy)")
    elasticsearch_prefix: str = Field("talentflow", pattern=r"^[a-z0-9][a-z0-9_-]{0,40}$")
    weights: Weights = Field(default_factory=Weights, description="ranking weights, JSON: {\"skills\": 0.3, ...}")
    candidate_depth: int = Field(60, ge=10, le=5000, description="hits of the engine's first cut ranked by the formula")
    match_threshold: float = Field(0.6, ge=0, le=1, description="score at which a new pair is announced")
    match_top_n: int = Field(10, ge=0, le=200, description="announcements per changed posting or worker")
    dedupe_ttl_days: float = Field(400, gt=0, le=3650, description="key-value memory of announced pairs")
    index_wait_s: float = Field(10.0, ge=0, le=300, description="reactive matching waits this long for the index")
    index_batch: int = Field(2000, ge=1, le=50_000, description="records per index consumer batch")
    reactive: bool = Field(True, description="announce match.found for strong new pairs")
    reactive_only: bool = Field(False, description="this process runs reactive matching alone (`talentflow work "
                                "matching` beside a serving process with MATCHING_REACTIVE=false), reading the "
                                "index that process writes")
    # Free-text enrichment of index documents (services/matching/inferred.py); a change needs a replay.
    enrich_enabled: bool = Field(True, description="add the skills a posting's or profile's free text names")
    enrich_posting_few: int = Field(2, ge=0, le=30, description="a posting with fewer structured skills is enriched")
    enrich_worker_few: int = Field(2, ge=0, le=50, description="a profile with fewer structured skills is enriched")
    enrich_min_confidence: float = Field(0.7, ge=0, le=1, description="inferred skills below this confidence are left out")
    # Set by the CLI: `talentflow serve --no-workers` → "http" (reads the embedded index),
    # `talentflow work` → "work" (writes it); unset (the embedded run, tests) → this process writes.
    process: Literal["", "http", "work"] = Field("", validation_alias="TALENTFLOW_PROCESS")
    # The market's own names stay MATCHING_MARKET_* (read by MarketSettings when this is built).
    market: MarketSettings = Field(default_factory=MarketSettings, description="market figures and reports")

    @model_validator(mode="after")
    def _reactive_only_runs_reactive(self) -> Settings:
        if self.reactive_only and not self.reactive:
            raise ValueError("MATCHING_REACTIVE_ONLY=true needs MATCHING_REACTIVE=true: that process runs nothing else")
        return self

    @property
    def index_read_only(self) -> bool:
        """HTTP without workers (`talentflow serve matching --no-workers`), and reactive matching in a
        process of its own, read the embedded index that the process running ingest writes: tantivy
        has one writer per index."""
        return self.process == "http" or self.reactive_only

    def enrichment(self) -> Enrichment:
        return Enrichment(enabled=self.enrich_enabled, posting_few=self.enrich_posting_few,
                          worker_few=self.enrich_worker_few, min_confidence=self.enrich_min_confidence)

    def tuning(self) -> Tuning:
        return Tuning(
            weights=self.weights,
            candidate_depth=self.candidate_depth,
            match_threshold=self.match_threshold,
            match_top_n=self.match_top_n,
            dedupe_ttl_s=self.dedupe_ttl_days * 86400,
            index_wait_s=self.index_wait_s,
        )
