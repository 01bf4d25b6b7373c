"""Matching's ranking: one explainable formula (formula.py), the same whichever index served."""

from services.matching.ranking.formula import FACTORS, CandidateScorer, Explanation, Ranked, Weights, rank

__all__ = ["FACTORS", "CandidateScorer", "Explanation", "Ranked", "Weights", "rank"]
