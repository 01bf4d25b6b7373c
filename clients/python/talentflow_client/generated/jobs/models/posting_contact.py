from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.consent_basis import ConsentBasis
from ..models.contact_basis import ContactBasis
from ..types import UNSET, Unset

T = TypeVar("T", bound="PostingContact")


@_attrs_define
class PostingContact:
    """
    Attributes:
        basis (ContactBasis):
        consent (ConsentBasis): On what the worker's consent to give contact data to one posting's org rests.
        posting_id (str):
        worker_id (str):
        disclosure_id (None | str | Unset): the record profiles keeps of this reveal
        email (None | str | Unset):
        name (None | str | Unset):
        phone (None | str | Unset):
    """

    basis: ContactBasis
    consent: ConsentBasis
    posting_id: str
    worker_id: str
    disclosure_id: None | str | Unset = UNSET
    email: None | str | Unset = UNSET
    name: None | str | Unset = UNSET
    phone: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        basis = self.basis.value

        consent = self.consent.value

        posting_id = self.posting_id

        worker_id = self.worker_id

        disclosure_id: None | str | Unset
        if isinstance(self.disclosure_id, Unset):
            disclosure_id = UNSET
        else:
            disclosure_id = self.disclosure_id

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        phone: None | str | Unset
        if isinstance(self.phone, Unset):
            phone = UNSET
        else:
            phone = self.phone

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "basis": basis,
                "consent": consent,
                "posting_id": posting_id,
                "worker_id": worker_id,
            }
        )
        if disclosure_id is not UNSET:
            field_dict["disclosure_id"] = disclosure_id
        if email is not UNSET:
            field_dict["email"] = email
        if name is not UNSET:
            field_dict["name"] = name
        if phone is not UNSET:
            field_dict["phone"] = phone

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        basis = ContactBasis(d.pop("basis"))

        consent = ConsentBasis(d.pop("consent"))

        posting_id = d.pop("posting_id")

        worker_id = d.pop("worker_id")

        def _parse_disclosure_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        disclosure_id = _parse_disclosure_id(d.pop("disclosure_id", UNSET))

        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_phone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        phone = _parse_phone(d.pop("phone", UNSET))

        posting_contact = cls(
            basis=basis,
            consent=consent,
            posting_id=posting_id,
            worker_id=worker_id,
            disclosure_id=disclosure_id,
            email=email,
            name=name,
            phone=phone,
        )

        posting_contact.additional_properties = d
        return posting_contact

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
