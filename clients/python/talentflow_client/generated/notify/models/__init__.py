"""Contains all the data models used in inputs/outputs"""

from .attempt_out import AttemptOut
from .channel import Channel
from .delivery_mode import DeliveryMode
from .delivery_out import DeliveryOut
from .delivery_out_event_type import DeliveryOutEventType
from .delivery_out_payload_type_0 import DeliveryOutPayloadType0
from .delivery_status import DeliveryStatus
from .health import Health
from .notification_out import NotificationOut
from .notification_out_data import NotificationOutData
from .notification_type import NotificationType
from .page_delivery_out import PageDeliveryOut
from .page_notification_out import PageNotificationOut
from .page_subscription_out import PageSubscriptionOut
from .preferences_in import PreferencesIn
from .preferences_in_channels import PreferencesInChannels
from .preferences_in_language import PreferencesInLanguage
from .preferences_out import PreferencesOut
from .preferences_out_channels import PreferencesOutChannels
from .preferences_out_language import PreferencesOutLanguage
from .problem import Problem
from .problem_field import ProblemField
from .quiet_hours import QuietHours
from .readiness import Readiness
from .readiness_checks import ReadinessChecks
from .readiness_pipeline import ReadinessPipeline
from .readiness_status import ReadinessStatus
from .recipient_kind import RecipientKind
from .subscription_in import SubscriptionIn
from .subscription_in_event_types_item import SubscriptionInEventTypesItem
from .subscription_out import SubscriptionOut
from .subscription_out_event_types_item import SubscriptionOutEventTypesItem
from .subscription_status import SubscriptionStatus
from .subscription_with_secret import SubscriptionWithSecret
from .subscription_with_secret_event_types_item import (
    SubscriptionWithSecretEventTypesItem,
)

__all__ = (
    "AttemptOut",
    "Channel",
    "DeliveryMode",
    "DeliveryOut",
    "DeliveryOutEventType",
    "DeliveryOutPayloadType0",
    "DeliveryStatus",
    "Health",
    "NotificationOut",
    "NotificationOutData",
    "NotificationType",
    "PageDeliveryOut",
    "PageNotificationOut",
    "PageSubscriptionOut",
    "PreferencesIn",
    "PreferencesInChannels",
    "PreferencesInLanguage",
    "PreferencesOut",
    "PreferencesOutChannels",
    "PreferencesOutLanguage",
    "Problem",
    "ProblemField",
    "QuietHours",
    "Readiness",
    "ReadinessChecks",
    "ReadinessPipeline",
    "ReadinessStatus",
    "RecipientKind",
    "SubscriptionIn",
    "SubscriptionInEventTypesItem",
    "SubscriptionOut",
    "SubscriptionOutEventTypesItem",
    "SubscriptionStatus",
    "SubscriptionWithSecret",
    "SubscriptionWithSecretEventTypesItem",
)
