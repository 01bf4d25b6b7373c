"""Matching's ranking: one explainable formula (formula.py), the same whichever index served."""

from services.matching.ranking.formula import (
    FACTORS,
    CandidateScorer,
    Explanation,
    PostingSide,
    Ranked,
    Weights,
    WorkerFeatures,
    rank,
)

__all__ = ["FACTORS", "CandidateScorer", "Explanation", "PostingSide", "Ranked", "Weights", "WorkerFeatures", "rank"]
