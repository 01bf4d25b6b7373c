from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.import_job_view_format import ImportJobViewFormat
from ..models.import_job_view_status import ImportJobViewStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.import_result_page import ImportResultPage


T = TypeVar("T", bound="ImportJobView")


@_attrs_define
class ImportJobView:
    """
    Attributes:
        created_at (str):
        failed (int):
        format_ (ImportJobViewFormat):
        id (str):
        ok (int):
        processed (int):
        status (ImportJobViewStatus):
        total (int):
        updated_at (str):
        detail (None | str | Unset):
        finished_at (None | str | Unset):
        results (ImportResultPage | None | Unset):
    """

    created_at: str
    failed: int
    format_: ImportJobViewFormat
    id: str
    ok: int
    processed: int
    status: ImportJobViewStatus
    total: int
    updated_at: str
    detail: None | str | Unset = UNSET
    finished_at: None | str | Unset = UNSET
    results: ImportResultPage | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.import_result_page import ImportResultPage

        created_at = self.created_at

        failed = self.failed

        format_ = self.format_.value

        id = self.id

        ok = self.ok

        processed = self.processed

        status = self.status.value

        total = self.total

        updated_at = self.updated_at

        detail: None | str | Unset
        if isinstance(self.detail, Unset):
            detail = UNSET
        else:
            detail = self.detail

        finished_at: None | str | Unset
        if isinstance(self.finished_at, Unset):
            finished_at = UNSET
        else:
            finished_at = self.finished_at

        results: dict[str, Any] | None | Unset
        if isinstance(self.results, Unset):
            results = UNSET
        elif isinstance(self.results, ImportResultPage):
            results = self.results.to_dict()
        else:
            results = self.results

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "failed": failed,
                "format": format_,
                "id": id,
                "ok": ok,
                "processed": processed,
                "status": status,
                "total": total,
                "updated_at": updated_at,
            }
        )
        if detail is not UNSET:
            field_dict["detail"] = detail
        if finished_at is not UNSET:
            field_dict["finished_at"] = finished_at
        if results is not UNSET:
            field_dict["results"] = results

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.import_result_page import ImportResultPage

        d = dict(src_dict)
        created_at = d.pop("created_at")

        failed = d.pop("failed")

        format_ = ImportJobViewFormat(d.pop("format"))

        id = d.pop("id")

        ok = d.pop("ok")

        processed = d.pop("processed")

        status = ImportJobViewStatus(d.pop("status"))

        total = d.pop("total")

        updated_at = d.pop("updated_at")

        def _parse_detail(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        detail = _parse_detail(d.pop("detail", UNSET))

        def _parse_finished_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        finished_at = _parse_finished_at(d.pop("finished_at", UNSET))

        def _parse_results(data: object) -> ImportResultPage | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                results_type_0 = ImportResultPage.from_dict(data)

                return results_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ImportResultPage | None | Unset, data)

        results = _parse_results(d.pop("results", UNSET))

        import_job_view = cls(
            created_at=created_at,
            failed=failed,
            format_=format_,
            id=id,
            ok=ok,
            processed=processed,
            status=status,
            total=total,
            updated_at=updated_at,
            detail=detail,
            finished_at=finished_at,
            results=results,
        )

        import_job_view.additional_properties = d
        return import_job_view

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
