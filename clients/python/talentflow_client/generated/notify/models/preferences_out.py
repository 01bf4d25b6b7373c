from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.delivery_mode import DeliveryMode
from ..models.preferences_out_language import PreferencesOutLanguage
from ..models.recipient_kind import RecipientKind

if TYPE_CHECKING:
    from ..models.preferences_out_channels import PreferencesOutChannels
    from ..models.quiet_hours import QuietHours


T = TypeVar("T", bound="PreferencesOut")


@_attrs_define
class PreferencesOut:
    """
    Attributes:
        channels (PreferencesOutChannels):
        delivery (DeliveryMode):
        digest_hour (int):
        email (None | str):
        language (PreferencesOutLanguage):
        quiet_hours (None | QuietHours):
        recipient_id (str):
        recipient_kind (RecipientKind):
        timezone (str):
        updated_at (datetime.datetime | None):
        version (int):
    """

    channels: PreferencesOutChannels
    delivery: DeliveryMode
    digest_hour: int
    email: None | str
    language: PreferencesOutLanguage
    quiet_hours: None | QuietHours
    recipient_id: str
    recipient_kind: RecipientKind
    timezone: str
    updated_at: datetime.datetime | None
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.quiet_hours import QuietHours

        channels = self.channels.to_dict()

        delivery = self.delivery.value

        digest_hour = self.digest_hour

        email: None | str
        email = self.email

        language = self.language.value

        quiet_hours: dict[str, Any] | None
        if isinstance(self.quiet_hours, QuietHours):
            quiet_hours = self.quiet_hours.to_dict()
        else:
            quiet_hours = self.quiet_hours

        recipient_id = self.recipient_id

        recipient_kind = self.recipient_kind.value

        timezone = self.timezone

        updated_at: None | str
        if isinstance(self.updated_at, datetime.datetime):
            updated_at = self.updated_at.isoformat()
        else:
            updated_at = self.updated_at

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "channels": channels,
                "delivery": delivery,
                "digest_hour": digest_hour,
                "email": email,
                "language": language,
                "quiet_hours": quiet_hours,
                "recipient_id": recipient_id,
                "recipient_kind": recipient_kind,
                "timezone": timezone,
                "updated_at": updated_at,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.preferences_out_channels import PreferencesOutChannels
        from ..models.quiet_hours import QuietHours

        d = dict(src_dict)
        channels = PreferencesOutChannels.from_dict(d.pop("channels"))

        delivery = DeliveryMode(d.pop("delivery"))

        digest_hour = d.pop("digest_hour")

        def _parse_email(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        email = _parse_email(d.pop("email"))

        language = PreferencesOutLanguage(d.pop("language"))

        def _parse_quiet_hours(data: object) -> None | QuietHours:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                quiet_hours_type_0 = QuietHours.from_dict(data)

                return quiet_hours_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | QuietHours, data)

        quiet_hours = _parse_quiet_hours(d.pop("quiet_hours"))

        recipient_id = d.pop("recipient_id")

        recipient_kind = RecipientKind(d.pop("recipient_kind"))

        timezone = d.pop("timezone")

        def _parse_updated_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                updated_at_type_0 = datetime.datetime.fromisoformat(data)

                return updated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        updated_at = _parse_updated_at(d.pop("updated_at"))

        version = d.pop("version")

        preferences_out = cls(
            channels=channels,
            delivery=delivery,
            digest_hour=digest_hour,
            email=email,
            language=language,
            quiet_hours=quiet_hours,
            recipient_id=recipient_id,
            recipient_kind=recipient_kind,
            timezone=timezone,
            updated_at=updated_at,
            version=version,
        )

        preferences_out.additional_properties = d
        return preferences_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
