from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ContactConsentIn")


@_attrs_define
class ContactConsentIn:
    """POST|DELETE /v1/postings/{id}/contact-consent: whose consent (a worker's own token names nobody).

    Attributes:
        worker_id (None | str | Unset):
    """

    worker_id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        worker_id: None | str | Unset
        if isinstance(self.worker_id, Unset):
            worker_id = UNSET
        else:
            worker_id = self.worker_id

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if worker_id is not UNSET:
            field_dict["worker_id"] = worker_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_worker_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        worker_id = _parse_worker_id(d.pop("worker_id", UNSET))

        contact_consent_in = cls(
            worker_id=worker_id,
        )

        return contact_consent_in
