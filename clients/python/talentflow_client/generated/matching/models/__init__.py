"""Contains all the data models used in inputs/outputs"""

from .achievement_hit import AchievementHit
from .achievement_hit_achievement import AchievementHitAchievement
from .achievement_hit_explanation import AchievementHitExplanation
from .achievement_hit_worker import AchievementHitWorker
from .achievement_results import AchievementResults
from .achievement_search import AchievementSearch
from .achievement_search_kinds_item import AchievementSearchKindsItem
from .availability_mode import AvailabilityMode
from .course_explanation import CourseExplanation
from .course_explanation_factors import CourseExplanationFactors
from .course_hit import CourseHit
from .course_hit_course import CourseHitCourse
from .course_mode import CourseMode
from .course_ranking import CourseRanking
from .course_search import CourseSearch
from .enrich_request import EnrichRequest
from .explanation import Explanation
from .explanation_factors import ExplanationFactors
from .explanation_inferred_skills import ExplanationInferredSkills
from .growth import Growth
from .growth_course import GrowthCourse
from .growth_course_course import GrowthCourseCourse
from .growth_gaps_type_0 import GrowthGapsType0
from .growth_level import GrowthLevel
from .growth_next_rung_type_0 import GrowthNextRungType0
from .health import Health
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
from .posting_hit import PostingHit
from .posting_hit_posting import PostingHitPosting
from .posting_kind import PostingKind
from .posting_ranking import PostingRanking
from .posting_search import PostingSearch
from .problem import Problem
from .problem_field import ProblemField
from .readiness import Readiness
from .readiness_checks import ReadinessChecks
from .readiness_pipeline import ReadinessPipeline
from .readiness_status import ReadinessStatus
from .report_request import ReportRequest
from .skill_level import SkillLevel
from .worker_hit import WorkerHit
from .worker_hit_worker import WorkerHitWorker
from .worker_ranking import WorkerRanking
from .worker_search import WorkerSearch

__all__ = (
    "AchievementHit",
    "AchievementHitAchievement",
    "AchievementHitExplanation",
    "AchievementHitWorker",
    "AchievementResults",
    "AchievementSearch",
    "AchievementSearchKindsItem",
    "AvailabilityMode",
    "CourseExplanation",
    "CourseExplanationFactors",
    "CourseHit",
    "CourseHitCourse",
    "CourseMode",
    "CourseRanking",
    "CourseSearch",
    "EnrichRequest",
    "Explanation",
    "ExplanationFactors",
    "ExplanationInferredSkills",
    "Growth",
    "GrowthCourse",
    "GrowthCourseCourse",
    "GrowthGapsType0",
    "GrowthLevel",
    "GrowthNextRungType0",
    "Health",
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
    "PostingHit",
    "PostingHitPosting",
    "PostingKind",
    "PostingRanking",
    "PostingSearch",
    "Problem",
    "ProblemField",
    "Readiness",
    "ReadinessChecks",
    "ReadinessPipeline",
    "ReadinessStatus",
    "ReportRequest",
    "SkillLevel",
    "WorkerHit",
    "WorkerHitWorker",
    "WorkerRanking",
    "WorkerSearch",
)
