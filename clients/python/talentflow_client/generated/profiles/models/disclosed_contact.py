from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.contact_disclosure import ContactDisclosure
    from ..models.disclosed_contact_contact import DisclosedContactContact


T = TypeVar("T", bound="DisclosedContact")


@_attrs_define
class DisclosedContact:
    """
    Attributes:
        contact (DisclosedContactContact):
        disclosure (ContactDisclosure): One time an employer was given the worker's contact data.
    """

    contact: DisclosedContactContact
    disclosure: ContactDisclosure
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        contact = self.contact.to_dict()

        disclosure = self.disclosure.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "contact": contact,
                "disclosure": disclosure,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.contact_disclosure import ContactDisclosure
        from ..models.disclosed_contact_contact import DisclosedContactContact

        d = dict(src_dict)
        contact = DisclosedContactContact.from_dict(d.pop("contact"))

        disclosure = ContactDisclosure.from_dict(d.pop("disclosure"))

        disclosed_contact = cls(
            contact=contact,
            disclosure=disclosure,
        )

        disclosed_contact.additional_properties = d
        return disclosed_contact

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
