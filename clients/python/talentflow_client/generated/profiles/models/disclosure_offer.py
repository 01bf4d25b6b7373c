from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.disclosure_offer_basis import DisclosureOfferBasis
from ..types import UNSET, Unset

T = TypeVar("T", bound="DisclosureOffer")


@_attrs_define
class DisclosureOffer:
    """A consent the contact may be given on: `profile` and `agency` are checked here; the others
    are the worker's word for one posting, kept by the jobs service and vouched for by its token.

        Attributes:
            basis (DisclosureOfferBasis):
            agency_id (None | str | Unset):
    """

    basis: DisclosureOfferBasis
    agency_id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        basis = self.basis.value

        agency_id: None | str | Unset
        if isinstance(self.agency_id, Unset):
            agency_id = UNSET
        else:
            agency_id = self.agency_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "basis": basis,
            }
        )
        if agency_id is not UNSET:
            field_dict["agency_id"] = agency_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        basis = DisclosureOfferBasis(d.pop("basis"))

        def _parse_agency_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        agency_id = _parse_agency_id(d.pop("agency_id", UNSET))

        disclosure_offer = cls(
            basis=basis,
            agency_id=agency_id,
        )

        return disclosure_offer
