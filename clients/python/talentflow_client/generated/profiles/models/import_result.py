from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.import_result_outcome import ImportResultOutcome
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.import_result_errors_item import ImportResultErrorsItem


T = TypeVar("T", bound="ImportResult")


@_attrs_define
class ImportResult:
    """
    Attributes:
        outcome (ImportResultOutcome):
        row (int):
        errors (list[ImportResultErrorsItem] | Unset):
        worker_id (None | str | Unset):
        worker_token_url (None | str | Unset):
    """

    outcome: ImportResultOutcome
    row: int
    errors: list[ImportResultErrorsItem] | Unset = UNSET
    worker_id: None | str | Unset = UNSET
    worker_token_url: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        outcome = self.outcome.value

        row = self.row

        errors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = []
            for errors_item_data in self.errors:
                errors_item = errors_item_data.to_dict()
                errors.append(errors_item)

        worker_id: None | str | Unset
        if isinstance(self.worker_id, Unset):
            worker_id = UNSET
        else:
            worker_id = self.worker_id

        worker_token_url: None | str | Unset
        if isinstance(self.worker_token_url, Unset):
            worker_token_url = UNSET
        else:
            worker_token_url = self.worker_token_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "outcome": outcome,
                "row": row,
            }
        )
        if errors is not UNSET:
            field_dict["errors"] = errors
        if worker_id is not UNSET:
            field_dict["worker_id"] = worker_id
        if worker_token_url is not UNSET:
            field_dict["worker_token_url"] = worker_token_url

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.import_result_errors_item import ImportResultErrorsItem

        d = dict(src_dict)
        outcome = ImportResultOutcome(d.pop("outcome"))

        row = d.pop("row")

        _errors = d.pop("errors", UNSET)
        errors: list[ImportResultErrorsItem] | Unset = UNSET
        if _errors is not UNSET:
            errors = []
            for errors_item_data in _errors:
                errors_item = ImportResultErrorsItem.from_dict(errors_item_data)

                errors.append(errors_item)

        def _parse_worker_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        worker_id = _parse_worker_id(d.pop("worker_id", UNSET))

        def _parse_worker_token_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        worker_token_url = _parse_worker_token_url(d.pop("worker_token_url", UNSET))

        import_result = cls(
            outcome=outcome,
            row=row,
            errors=errors,
            worker_id=worker_id,
            worker_token_url=worker_token_url,
        )

        import_result.additional_properties = d
        return import_result

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
