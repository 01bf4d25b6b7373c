from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.contact_disclosure_basis import ContactDisclosureBasis
from ..models.contact_disclosure_viewer_role import ContactDisclosureViewerRole
from ..types import UNSET, Unset

T = TypeVar("T", bound="ContactDisclosure")


@_attrs_define
class ContactDisclosure:
    """One time an employer was given the worker's contact data.

    Attributes:
        basis (ContactDisclosureBasis):
        disclosed_at (datetime.datetime):
        id (str):
        org_id (str): the employer org that received the contact
        posting_id (str):
        viewer_id (str): who read it: the employer's staff, or an agency acting for the employer
        viewer_role (ContactDisclosureViewerRole):
        worker_id (str):
        agency_id (None | str | Unset): for basis `agency`: the agency whose held consent was used
    """

    basis: ContactDisclosureBasis
    disclosed_at: datetime.datetime
    id: str
    org_id: str
    posting_id: str
    viewer_id: str
    viewer_role: ContactDisclosureViewerRole
    worker_id: str
    agency_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        basis = self.basis.value

        disclosed_at = self.disclosed_at.isoformat()

        id = self.id

        org_id = self.org_id

        posting_id = self.posting_id

        viewer_id = self.viewer_id

        viewer_role = self.viewer_role.value

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
                "disclosed_at": disclosed_at,
                "id": id,
                "org_id": org_id,
                "posting_id": posting_id,
                "viewer_id": viewer_id,
                "viewer_role": viewer_role,
                "worker_id": worker_id,
            }
        )
        if agency_id is not UNSET:
            field_dict["agency_id"] = agency_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        basis = ContactDisclosureBasis(d.pop("basis"))

        disclosed_at = datetime.datetime.fromisoformat(d.pop("disclosed_at"))

        id = d.pop("id")

        org_id = d.pop("org_id")

        posting_id = d.pop("posting_id")

        viewer_id = d.pop("viewer_id")

        viewer_role = ContactDisclosureViewerRole(d.pop("viewer_role"))

        worker_id = d.pop("worker_id")

        def _parse_agency_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        agency_id = _parse_agency_id(d.pop("agency_id", UNSET))

        contact_disclosure = cls(
            basis=basis,
            disclosed_at=disclosed_at,
            id=id,
            org_id=org_id,
            posting_id=posting_id,
            viewer_id=viewer_id,
            viewer_role=viewer_role,
            worker_id=worker_id,
            agency_id=agency_id,
        )

        contact_disclosure.additional_properties = d
        return contact_disclosure

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
