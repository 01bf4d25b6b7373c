"""Contains all the data models used in inputs/outputs"""

from .attempt_out import AttemptOut
from .channel import Channel
from .delivery_mode import DeliveryMode
from .delivery_out import DeliveryOut
from .delivery_out_payload_type_0 import DeliveryOutPayloadType0
from .delivery_status import DeliveryStatus
from .http_validation_error import HTTPValidationError
from .notification_out import NotificationOut
from .notification_out_data import NotificationOutData
from .notification_type import NotificationType
from .notify_healthz_response_notify_healthz import NotifyHealthzResponseNotifyHealthz
from .page_delivery_out import PageDeliveryOut
from .page_notification_out import PageNotificationOut
from .page_subscription_out import PageSubscriptionOut
from .preferences_in import PreferencesIn
from .preferences_in_channels import PreferencesInChannels
from .preferences_in_language import PreferencesInLanguage
from .preferences_out import PreferencesOut
from .preferences_out_channels import PreferencesOutChannels
from .quiet_hours import QuietHours
from .recipient_kind import RecipientKind
from .subscription_in import SubscriptionIn
from .subscription_out import SubscriptionOut
from .subscription_status import SubscriptionStatus
from .subscription_with_secret import SubscriptionWithSecret
from .validation_error import ValidationError
from .validation_error_context import ValidationErrorContext

__all__ = (
    "AttemptOut",
    "Channel",
    "DeliveryMode",
    "DeliveryOut",
    "DeliveryOutPayloadType0",
    "DeliveryStatus",
    "HTTPValidationError",
    "NotificationOut",
    "NotificationOutData",
    "NotificationType",
    "NotifyHealthzResponseNotifyHealthz",
    "PageDeliveryOut",
    "PageNotificationOut",
    "PageSubscriptionOut",
    "PreferencesIn",
    "PreferencesInChannels",
    "PreferencesInLanguage",
    "PreferencesOut",
    "PreferencesOutChannels",
    "QuietHours",
    "RecipientKind",
    "SubscriptionIn",
    "SubscriptionOut",
    "SubscriptionStatus",
    "SubscriptionWithSecret",
    "ValidationError",
    "ValidationErrorContext",
)
