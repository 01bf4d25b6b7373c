"""Contains all the data models used in inputs/outputs"""

from .achievement import Achievement
from .achievement_kind import AchievementKind
from .agency_contact_consent import AgencyContactConsent
from .agency_contact_consent_in import AgencyContactConsentIn
from .agency_contact_consent_recorded_by_role import AgencyContactConsentRecordedByRole
from .availability import Availability
from .availability_mode import AvailabilityMode
from .award import Award
from .award_tier import AwardTier
from .certificate import Certificate
from .consent import Consent
from .contact import Contact
from .contact_card import ContactCard
from .contact_disclosure import ContactDisclosure
from .contact_disclosure_basis import ContactDisclosureBasis
from .contact_disclosure_page import ContactDisclosurePage
from .contact_disclosure_viewer_role import ContactDisclosureViewerRole
from .disclosed_contact import DisclosedContact
from .disclosed_contact_contact import DisclosedContactContact
from .disclosure_offer import DisclosureOffer
from .disclosure_offer_basis import DisclosureOfferBasis
from .disclosure_request import DisclosureRequest
from .disclosure_request_viewer_role import DisclosureRequestViewerRole
from .health import Health
from .import_job_view import ImportJobView
from .import_job_view_format import ImportJobViewFormat
from .import_job_view_status import ImportJobViewStatus
from .import_result import ImportResult
from .import_result_errors_item import ImportResultErrorsItem
from .import_result_outcome import ImportResultOutcome
from .import_result_page import ImportResultPage
from .import_token import ImportToken
from .import_token_page import ImportTokenPage
from .location import Location
from .occupation import Occupation
from .patch_worker_json_worker_patch import PatchWorkerJsonWorkerPatch
from .patch_worker_json_worker_patch_availability_type_0 import (
    PatchWorkerJsonWorkerPatchAvailabilityType0,
)
from .patch_worker_json_worker_patch_consent_type_0 import (
    PatchWorkerJsonWorkerPatchConsentType0,
)
from .patch_worker_json_worker_patch_contact_type_0 import (
    PatchWorkerJsonWorkerPatchContactType0,
)
from .patch_worker_json_worker_patch_location_type_0 import (
    PatchWorkerJsonWorkerPatchLocationType0,
)
from .patch_worker_json_worker_patch_wage_expectation_type_0 import (
    PatchWorkerJsonWorkerPatchWageExpectationType0,
)
from .problem import Problem
from .problem_field import ProblemField
from .readiness import Readiness
from .readiness_checks import ReadinessChecks
from .readiness_pipeline import ReadinessPipeline
from .readiness_status import ReadinessStatus
from .skill import Skill
from .skill_level import SkillLevel
from .wage import Wage
from .wage_unit import WageUnit
from .worker import Worker
from .worker_created import WorkerCreated
from .worker_in import WorkerIn
from .worker_page import WorkerPage
from .worker_status import WorkerStatus
from .worker_token import WorkerToken

__all__ = (
    "Achievement",
    "AchievementKind",
    "AgencyContactConsent",
    "AgencyContactConsentIn",
    "AgencyContactConsentRecordedByRole",
    "Availability",
    "AvailabilityMode",
    "Award",
    "AwardTier",
    "Certificate",
    "Consent",
    "Contact",
    "ContactCard",
    "ContactDisclosure",
    "ContactDisclosureBasis",
    "ContactDisclosurePage",
    "ContactDisclosureViewerRole",
    "DisclosedContact",
    "DisclosedContactContact",
    "DisclosureOffer",
    "DisclosureOfferBasis",
    "DisclosureRequest",
    "DisclosureRequestViewerRole",
    "Health",
    "ImportJobView",
    "ImportJobViewFormat",
    "ImportJobViewStatus",
    "ImportResult",
    "ImportResultErrorsItem",
    "ImportResultOutcome",
    "ImportResultPage",
    "ImportToken",
    "ImportTokenPage",
    "Location",
    "Occupation",
    "PatchWorkerJsonWorkerPatch",
    "PatchWorkerJsonWorkerPatchAvailabilityType0",
    "PatchWorkerJsonWorkerPatchConsentType0",
    "PatchWorkerJsonWorkerPatchContactType0",
    "PatchWorkerJsonWorkerPatchLocationType0",
    "PatchWorkerJsonWorkerPatchWageExpectationType0",
    "Problem",
    "ProblemField",
    "Readiness",
    "ReadinessChecks",
    "ReadinessPipeline",
    "ReadinessStatus",
    "Skill",
    "SkillLevel",
    "Wage",
    "WageUnit",
    "Worker",
    "WorkerCreated",
    "WorkerIn",
    "WorkerPage",
    "WorkerStatus",
    "WorkerToken",
)
