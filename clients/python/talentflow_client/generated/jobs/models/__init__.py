"""Contains all the data models used in inputs/outputs"""

from .acceptance_in import AcceptanceIn
from .application import Application
from .application_change import ApplicationChange
from .application_in import ApplicationIn
from .application_status import ApplicationStatus
from .close_reason import CloseReason
from .close_request import CloseRequest
from .consent_basis import ConsentBasis
from .consent_status import ConsentStatus
from .contact_basis import ContactBasis
from .contact_consent import ContactConsent
from .contact_consent_given_by import ContactConsentGivenBy
from .contact_consent_in import ContactConsentIn
from .course import Course
from .course_close_reason import CourseCloseReason
from .course_close_request import CourseCloseRequest
from .course_closed_reason_type_0 import CourseClosedReasonType0
from .course_create import CourseCreate
from .course_in import CourseIn
from .course_mode import CourseMode
from .course_patch import CoursePatch
from .course_patch_fee_type_0 import CoursePatchFeeType0
from .course_patch_occupation_type_0 import CoursePatchOccupationType0
from .course_skill import CourseSkill
from .course_status import CourseStatus
from .fee import Fee
from .health import Health
from .invitation import Invitation
from .invitation_in import InvitationIn
from .invitation_status import InvitationStatus
from .location import Location
from .occupation import Occupation
from .page_application import PageApplication
from .page_course import PageCourse
from .page_invitation import PageInvitation
from .page_posting import PagePosting
from .posting import Posting
from .posting_closed_reason_type_0 import PostingClosedReasonType0
from .posting_contact import PostingContact
from .posting_create import PostingCreate
from .posting_in import PostingIn
from .posting_kind import PostingKind
from .posting_patch import PostingPatch
from .posting_patch_location_type_0 import PostingPatchLocationType0
from .posting_patch_occupation_type_0 import PostingPatchOccupationType0
from .posting_patch_wage_type_0 import PostingPatchWageType0
from .posting_status import PostingStatus
from .problem import Problem
from .problem_field import ProblemField
from .readiness import Readiness
from .readiness_checks import ReadinessChecks
from .readiness_pipeline import ReadinessPipeline
from .readiness_status import ReadinessStatus
from .skill_level import SkillLevel
from .skill_requirement import SkillRequirement
from .wage import Wage
from .wage_unit import WageUnit

__all__ = (
    "AcceptanceIn",
    "Application",
    "ApplicationChange",
    "ApplicationIn",
    "ApplicationStatus",
    "CloseReason",
    "CloseRequest",
    "ConsentBasis",
    "ConsentStatus",
    "ContactBasis",
    "ContactConsent",
    "ContactConsentGivenBy",
    "ContactConsentIn",
    "Course",
    "CourseCloseReason",
    "CourseCloseRequest",
    "CourseClosedReasonType0",
    "CourseCreate",
    "CourseIn",
    "CourseMode",
    "CoursePatch",
    "CoursePatchFeeType0",
    "CoursePatchOccupationType0",
    "CourseSkill",
    "CourseStatus",
    "Fee",
    "Health",
    "Invitation",
    "InvitationIn",
    "InvitationStatus",
    "Location",
    "Occupation",
    "PageApplication",
    "PageCourse",
    "PageInvitation",
    "PagePosting",
    "Posting",
    "PostingClosedReasonType0",
    "PostingContact",
    "PostingCreate",
    "PostingIn",
    "PostingKind",
    "PostingPatch",
    "PostingPatchLocationType0",
    "PostingPatchOccupationType0",
    "PostingPatchWageType0",
    "PostingStatus",
    "Problem",
    "ProblemField",
    "Readiness",
    "ReadinessChecks",
    "ReadinessPipeline",
    "ReadinessStatus",
    "SkillLevel",
    "SkillRequirement",
    "Wage",
    "WageUnit",
)
