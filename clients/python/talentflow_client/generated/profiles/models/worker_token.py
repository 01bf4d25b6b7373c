from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="WorkerToken")


@_attrs_define
class WorkerToken:
    """
    Attributes:
        expires_in (int):
        worker_id (str):
        worker_token (str):
    """

    expires_in: int
    worker_id: str
    worker_token: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        expires_in = self.expires_in

        worker_id = self.worker_id

        worker_token = self.worker_token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "expires_in": expires_in,
                "worker_id": worker_id,
                "worker_token": worker_token,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        expires_in = d.pop("expires_in")

        worker_id = d.pop("worker_id")

        worker_token = d.pop("worker_token")

        worker_token = cls(
            expires_in=expires_in,
            worker_id=worker_id,
            worker_token=worker_token,
        )

        worker_token.additional_properties = d
        return worker_token

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
