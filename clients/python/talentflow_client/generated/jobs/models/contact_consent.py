from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.consent_basis import ConsentBasis
from ..models.consent_status import ConsentStatus
from ..models.contact_consent_given_by import ContactConsentGivenBy
from ..types import UNSET, Unset

T = TypeVar("T", bound="ContactConsent")


@_attrs_define
class ContactConsent:
    """The worker's last word on giving its contact data to one posting's org.

    `given_by` is `worker` when the person said it with its own token, `agency` when an agency did
    (its own token, or a worker token it minted: the `act` claim), with `agency_id` naming it.

        Attributes:
            basis (ConsentBasis): On what the worker's consent to give contact data to one posting's org rests.
            given_by (ContactConsentGivenBy):
            posting_id (str):
            status (ConsentStatus):
            updated_at (datetime.datetime):
            worker_id (str):
            agency_id (None | str | Unset):
    """

    basis: ConsentBasis
    given_by: ContactConsentGivenBy
    posting_id: str
    status: ConsentStatus
    updated_at: datetime.datetime
    worker_id: str
    agency_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        basis = self.basis.value

        given_by = self.given_by.value

        posting_id = self.posting_id

        status = self.status.value

        updated_at = self.updated_at.isoformat()

        worker_id = self.worker_id

        agency_id: None | str | Unset
        if isinstance(self.agency_id, Unset):
            agency_id = UNSET
        else:
            agency_id = self.agency_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "basis": basis,
                "given_by": given_by,
                "posting_id": posting_id,
                "status": status,
                "updated_at": updated_at,
                "worker_id": worker_id,
            }
        )
        if agency_id is not UNSET:
            field_dict["agency_id"] = agency_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        basis = ConsentBasis(d.pop("basis"))

        given_by = ContactConsentGivenBy(d.pop("given_by"))

        posting_id = d.pop("posting_id")

        status = ConsentStatus(d.pop("status"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        worker_id = d.pop("worker_id")

        def _parse_agency_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        agency_id = _parse_agency_id(d.pop("agency_id", UNSET))

        contact_consent = cls(
            basis=basis,
            given_by=given_by,
            posting_id=posting_id,
            status=status,
            updated_at=updated_at,
            worker_id=worker_id,
            agency_id=agency_id,
        )

        contact_consent.additional_properties = d
        return contact_consent

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
