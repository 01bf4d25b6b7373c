"""Contains all the data models used in inputs/outputs"""

from .availability_mode import AvailabilityMode
from .enrich_request import EnrichRequest
from .explanation import Explanation
from .explanation_factors import ExplanationFactors
from .http_validation_error import HTTPValidationError
from .market_flows_level_type_0 import MarketFlowsLevelType0
from .market_flows_response_market_flows import MarketFlowsResponseMarketFlows
from .market_outcomes_response_market_outcomes import (
    MarketOutcomesResponseMarketOutcomes,
)
from .market_ranking_variants_response_market_ranking_variants import (
    MarketRankingVariantsResponseMarketRankingVariants,
)
from .market_reports_get_format import MarketReportsGetFormat
from .market_reports_list_response_market_reports_list import (
    MarketReportsListResponseMarketReportsList,
)
from .market_reports_publish_response_market_reports_publish import (
    MarketReportsPublishResponseMarketReportsPublish,
)
from .market_supply_demand_by_dimension import MarketSupplyDemandByDimension
from .market_supply_demand_by_level_type_0 import MarketSupplyDemandByLevelType0
from .market_supply_demand_by_response_market_supply_demand_by import (
    MarketSupplyDemandByResponseMarketSupplyDemandBy,
)
from .market_supply_demand_level_type_0 import MarketSupplyDemandLevelType0
from .market_supply_demand_response_market_supply_demand import (
    MarketSupplyDemandResponseMarketSupplyDemand,
)
from .market_trends_level_type_0 import MarketTrendsLevelType0
from .market_trends_response_market_trends import MarketTrendsResponseMarketTrends
from .market_wage_guide_by_dimension import MarketWageGuideByDimension
from .market_wage_guide_by_level_type_0 import MarketWageGuideByLevelType0
from .market_wage_guide_by_response_market_wage_guide_by import (
    MarketWageGuideByResponseMarketWageGuideBy,
)
from .market_wage_guide_level_type_0 import MarketWageGuideLevelType0
from .market_wage_guide_response_market_wage_guide import (
    MarketWageGuideResponseMarketWageGuide,
)
from .matching_healthz_response_matching_healthz import (
    MatchingHealthzResponseMatchingHealthz,
)
from .posting_hit import PostingHit
from .posting_hit_posting import PostingHitPosting
from .posting_kind import PostingKind
from .posting_ranking import PostingRanking
from .posting_search import PostingSearch
from .report_request import ReportRequest
from .skill_level import SkillLevel
from .validation_error import ValidationError
from .validation_error_context import ValidationErrorContext
from .worker_hit import WorkerHit
from .worker_hit_worker import WorkerHitWorker
from .worker_ranking import WorkerRanking
from .worker_search import WorkerSearch

__all__ = (
    "AvailabilityMode",
    "EnrichRequest",
    "Explanation",
    "ExplanationFactors",
    "HTTPValidationError",
    "MarketFlowsLevelType0",
    "MarketFlowsResponseMarketFlows",
    "MarketOutcomesResponseMarketOutcomes",
    "MarketRankingVariantsResponseMarketRankingVariants",
    "MarketReportsGetFormat",
    "MarketReportsListResponseMarketReportsList",
    "MarketReportsPublishResponseMarketReportsPublish",
    "MarketSupplyDemandByDimension",
    "MarketSupplyDemandByLevelType0",
    "MarketSupplyDemandByResponseMarketSupplyDemandBy",
    "MarketSupplyDemandLevelType0",
    "MarketSupplyDemandResponseMarketSupplyDemand",
    "MarketTrendsLevelType0",
    "MarketTrendsResponseMarketTrends",
    "MarketWageGuideByDimension",
    "MarketWageGuideByLevelType0",
    "MarketWageGuideByResponseMarketWageGuideBy",
    "MarketWageGuideLevelType0",
    "MarketWageGuideResponseMarketWageGuide",
    "MatchingHealthzResponseMatchingHealthz",
    "PostingHit",
    "PostingHitPosting",
    "PostingKind",
    "PostingRanking",
    "PostingSearch",
    "ReportRequest",
    "SkillLevel",
    "ValidationError",
    "ValidationErrorContext",
    "WorkerHit",
    "WorkerHitWorker",
    "WorkerRanking",
    "WorkerSearch",
)
