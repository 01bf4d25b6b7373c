from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ImportToken")


@_attrs_define
class ImportToken:
    """
    Attributes:
        row (int):
        worker_id (str):
        error (None | str | Unset):
        expires_in (int | None | Unset):
        worker_token (None | str | Unset):
    """

    row: int
    worker_id: str
    error: None | str | Unset = UNSET
    expires_in: int | None | Unset = UNSET
    worker_token: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        row = self.row

        worker_id = self.worker_id

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        expires_in: int | None | Unset
        if isinstance(self.expires_in, Unset):
            expires_in = UNSET
        else:
            expires_in = self.expires_in

        worker_token: None | str | Unset
        if isinstance(self.worker_token, Unset):
            worker_token = UNSET
        else:
            worker_token = self.worker_token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "row": row,
                "worker_id": worker_id,
            }
        )
        if error is not UNSET:
            field_dict["error"] = error
        if expires_in is not UNSET:
            field_dict["expires_in"] = expires_in
        if worker_token is not UNSET:
            field_dict["worker_token"] = worker_token

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        row = d.pop("row")

        worker_id = d.pop("worker_id")

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        def _parse_expires_in(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        expires_in = _parse_expires_in(d.pop("expires_in", UNSET))

        def _parse_worker_token(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        worker_token = _parse_worker_token(d.pop("worker_token", UNSET))

        import_token = cls(
            row=row,
            worker_id=worker_id,
            error=error,
            expires_in=expires_in,
            worker_token=worker_token,
        )

        import_token.additional_properties = d
        return import_token

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
