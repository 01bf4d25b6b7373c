from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Fee")


@_attrs_define
class Fee:
    """What a participant pays (before any subsidy); 0 is a free course.

    Attributes:
        amount (float | int):
        currency (str | Unset):  Default: 'CNY'.
    """

    amount: float | int
    currency: str | Unset = "CNY"

    def to_dict(self) -> dict[str, Any]:
        amount: float | int
        amount = self.amount

        currency = self.currency

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "amount": amount,
            }
        )
        if currency is not UNSET:
            field_dict["currency"] = currency

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_amount(data: object) -> float | int:
            return cast(float | int, data)

        amount = _parse_amount(d.pop("amount"))

        currency = d.pop("currency", UNSET)

        fee = cls(
            amount=amount,
            currency=currency,
        )

        return fee
