from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.skill_level import SkillLevel
from ..types import UNSET, Unset

T = TypeVar("T", bound="Certificate")


@_attrs_define
class Certificate:
    """
    Attributes:
        level (SkillLevel): The national skill ladder (职业技能等级), lowest first; compare with `rank`.
        number (str):
        occupation (str):
        issued_on (datetime.date | None | Unset):
        issuer (None | str | Unset):
        verified (bool | Unset):  Default: False.
    """

    level: SkillLevel
    number: str
    occupation: str
    issued_on: datetime.date | None | Unset = UNSET
    issuer: None | str | Unset = UNSET
    verified: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        level = self.level.value

        number = self.number

        occupation = self.occupation

        issued_on: None | str | Unset
        if isinstance(self.issued_on, Unset):
            issued_on = UNSET
        elif isinstance(self.issued_on, datetime.date):
            issued_on = self.issued_on.isoformat()
        else:
            issued_on = self.issued_on

        issuer: None | str | Unset
        if isinstance(self.issuer, Unset):
            issuer = UNSET
        else:
            issuer = self.issuer

        verified = self.verified

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "level": level,
                "number": number,
                "occupation": occupation,
            }
        )
        if issued_on is not UNSET:
            field_dict["issued_on"] = issued_on
        if issuer is not UNSET:
            field_dict["issuer"] = issuer
        if verified is not UNSET:
            field_dict["verified"] = verified

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        level = SkillLevel(d.pop("level"))

        number = d.pop("number")

        occupation = d.pop("occupation")

        def _parse_issued_on(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                issued_on_type_0 = datetime.date.fromisoformat(data)

                return issued_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        issued_on = _parse_issued_on(d.pop("issued_on", UNSET))

        def _parse_issuer(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        issuer = _parse_issuer(d.pop("issuer", UNSET))

        verified = d.pop("verified", UNSET)

        certificate = cls(
            level=level,
            number=number,
            occupation=occupation,
            issued_on=issued_on,
            issuer=issuer,
            verified=verified,
        )

        return certificate
