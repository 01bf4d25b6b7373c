from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ApplicationIn")


@_attrs_define
class ApplicationIn:
    """A worker's application; the message stays in the jobs service (never in events).

    `share_contact: true` is the worker's consent to give this posting's org its contact data once
    the org shortlists or hires the application (PIPL art. 23: separate consent, per employer).

        Attributes:
            message (None | str | Unset):
            share_contact (bool | Unset):  Default: False.
            worker_id (None | str | Unset):
    """

    message: None | str | Unset = UNSET
    share_contact: bool | Unset = False
    worker_id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        message: None | str | Unset
        if isinstance(self.message, Unset):
            message = UNSET
        else:
            message = self.message

        share_contact = self.share_contact

        worker_id: None | str | Unset
        if isinstance(self.worker_id, Unset):
            worker_id = UNSET
        else:
            worker_id = self.worker_id

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if message is not UNSET:
            field_dict["message"] = message
        if share_contact is not UNSET:
            field_dict["share_contact"] = share_contact
        if worker_id is not UNSET:
            field_dict["worker_id"] = worker_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_message(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        message = _parse_message(d.pop("message", UNSET))

        share_contact = d.pop("share_contact", UNSET)

        def _parse_worker_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        worker_id = _parse_worker_id(d.pop("worker_id", UNSET))

        application_in = cls(
            message=message,
            share_contact=share_contact,
            worker_id=worker_id,
        )

        return application_in
