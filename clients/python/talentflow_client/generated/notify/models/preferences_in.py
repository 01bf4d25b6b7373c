from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.delivery_mode import DeliveryMode
from ..models.preferences_in_language import PreferencesInLanguage
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.preferences_in_channels import PreferencesInChannels
    from ..models.quiet_hours import QuietHours


T = TypeVar("T", bound="PreferencesIn")


@_attrs_define
class PreferencesIn:
    """What a recipient writes with PUT /v1/preferences (the whole document; missing fields default).

    Attributes:
        channels (PreferencesInChannels | Unset): channels per notification type; types left out keep their defaults
        delivery (DeliveryMode | Unset):
        digest_hour (int | Unset): local hour of the daily digest (an integer: false is not 0) Default: 8.
        email (None | str | Unset): where e-mails go; personal data, never in events or logs
        language (PreferencesInLanguage | Unset): language of notifications and e-mails: zh (简体中文) or en Default:
            PreferencesInLanguage.ZH.
        quiet_hours (None | QuietHours | Unset):
        timezone (str | Unset): IANA time zone: quiet hours, digests, and the times notifications show Default:
            'Asia/Shanghai'.
    """

    channels: PreferencesInChannels | Unset = UNSET
    delivery: DeliveryMode | Unset = UNSET
    digest_hour: int | Unset = 8
    email: None | str | Unset = UNSET
    language: PreferencesInLanguage | Unset = PreferencesInLanguage.ZH
    quiet_hours: None | QuietHours | Unset = UNSET
    timezone: str | Unset = "Asia/Shanghai"

    def to_dict(self) -> dict[str, Any]:
        from ..models.quiet_hours import QuietHours

        channels: dict[str, Any] | Unset = UNSET
        if not isinstance(self.channels, Unset):
            channels = self.channels.to_dict()

        delivery: str | Unset = UNSET
        if not isinstance(self.delivery, Unset):
            delivery = self.delivery.value

        digest_hour = self.digest_hour

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        language: str | Unset = UNSET
        if not isinstance(self.language, Unset):
            language = self.language.value

        quiet_hours: dict[str, Any] | None | Unset
        if isinstance(self.quiet_hours, Unset):
            quiet_hours = UNSET
        elif isinstance(self.quiet_hours, QuietHours):
            quiet_hours = self.quiet_hours.to_dict()
        else:
            quiet_hours = self.quiet_hours

        timezone = self.timezone

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if channels is not UNSET:
            field_dict["channels"] = channels
        if delivery is not UNSET:
            field_dict["delivery"] = delivery
        if digest_hour is not UNSET:
            field_dict["digest_hour"] = digest_hour
        if email is not UNSET:
            field_dict["email"] = email
        if language is not UNSET:
            field_dict["language"] = language
        if quiet_hours is not UNSET:
            field_dict["quiet_hours"] = quiet_hours
        if timezone is not UNSET:
            field_dict["timezone"] = timezone

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.preferences_in_channels import PreferencesInChannels
        from ..models.quiet_hours import QuietHours

        d = dict(src_dict)
        _channels = d.pop("channels", UNSET)
        channels: PreferencesInChannels | Unset
        if isinstance(_channels, Unset):
            channels = UNSET
        else:
            channels = PreferencesInChannels.from_dict(_channels)

        _delivery = d.pop("delivery", UNSET)
        delivery: DeliveryMode | Unset
        if isinstance(_delivery, Unset):
            delivery = UNSET
        else:
            delivery = DeliveryMode(_delivery)

        digest_hour = d.pop("digest_hour", UNSET)

        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        _language = d.pop("language", UNSET)
        language: PreferencesInLanguage | Unset
        if isinstance(_language, Unset):
            language = UNSET
        else:
            language = PreferencesInLanguage(_language)

        def _parse_quiet_hours(data: object) -> None | QuietHours | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                quiet_hours_type_0 = QuietHours.from_dict(data)

                return quiet_hours_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | QuietHours | Unset, data)

        quiet_hours = _parse_quiet_hours(d.pop("quiet_hours", UNSET))

        timezone = d.pop("timezone", UNSET)

        preferences_in = cls(
            channels=channels,
            delivery=delivery,
            digest_hour=digest_hour,
            email=email,
            language=language,
            quiet_hours=quiet_hours,
            timezone=timezone,
        )

        return preferences_in
