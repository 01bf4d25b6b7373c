from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="AgencyContactConsentIn")


@_attrs_define
class AgencyContactConsentIn:
    """PUT /v1/workers/{id}/agency-contact-consent: the worker (or an admin) records that its
    managing agency holds its consent to pass its contact data on to employers, and on what basis.

        Attributes:
            basis (str): how the agency holds the consent, e.g. a signed form's reference and date
    """

    basis: str

    def to_dict(self) -> dict[str, Any]:
        basis = self.basis

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "basis": basis,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        basis = d.pop("basis")

        agency_contact_consent_in = cls(
            basis=basis,
        )

        return agency_contact_consent_in
