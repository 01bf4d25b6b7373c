from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.agency_contact_consent_recorded_by_role import (
    AgencyContactConsentRecordedByRole,
)

T = TypeVar("T", bound="AgencyContactConsent")


@_attrs_define
class AgencyContactConsent:
    """
    Attributes:
        agency_id (str): the managing agency holding the consent; counts while it manages the worker
        basis (str):
        recorded_at (datetime.datetime):
        recorded_by (str):
        recorded_by_role (AgencyContactConsentRecordedByRole):
        worker_id (str):
    """

    agency_id: str
    basis: str
    recorded_at: datetime.datetime
    recorded_by: str
    recorded_by_role: AgencyContactConsentRecordedByRole
    worker_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        agency_id = self.agency_id

        basis = self.basis

        recorded_at = self.recorded_at.isoformat()

        recorded_by = self.recorded_by

        recorded_by_role = self.recorded_by_role.value

        worker_id = self.worker_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "agency_id": agency_id,
                "basis": basis,
                "recorded_at": recorded_at,
                "recorded_by": recorded_by,
                "recorded_by_role": recorded_by_role,
                "worker_id": worker_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        agency_id = d.pop("agency_id")

        basis = d.pop("basis")

        recorded_at = datetime.datetime.fromisoformat(d.pop("recorded_at"))

        recorded_by = d.pop("recorded_by")

        recorded_by_role = AgencyContactConsentRecordedByRole(d.pop("recorded_by_role"))

        worker_id = d.pop("worker_id")

        agency_contact_consent = cls(
            agency_id=agency_id,
            basis=basis,
            recorded_at=recorded_at,
            recorded_by=recorded_by,
            recorded_by_role=recorded_by_role,
            worker_id=worker_id,
        )

        agency_contact_consent.additional_properties = d
        return agency_contact_consent

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
