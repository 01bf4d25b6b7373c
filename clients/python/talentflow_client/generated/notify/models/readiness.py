from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.readiness_pipeline import ReadinessPipeline
from ..models.readiness_status import ReadinessStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.readiness_checks import ReadinessChecks


T = TypeVar("T", bound="Readiness")


@_attrs_define
class Readiness:
    """
    Attributes:
        checks (ReadinessChecks): each store, log and index: reachable or not
        pipeline (ReadinessPipeline):
        service (str):
        status (ReadinessStatus):
        causes (list[str] | None | Unset): what is wrong, when unready
    """

    checks: ReadinessChecks
    pipeline: ReadinessPipeline
    service: str
    status: ReadinessStatus
    causes: list[str] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        checks = self.checks.to_dict()

        pipeline = self.pipeline.value

        service = self.service

        status = self.status.value

        causes: list[str] | None | Unset
        if isinstance(self.causes, Unset):
            causes = UNSET
        elif isinstance(self.causes, list):
            causes = self.causes

        else:
            causes = self.causes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "checks": checks,
                "pipeline": pipeline,
                "service": service,
                "status": status,
            }
        )
        if causes is not UNSET:
            field_dict["causes"] = causes

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.readiness_checks import ReadinessChecks

        d = dict(src_dict)
        checks = ReadinessChecks.from_dict(d.pop("checks"))

        pipeline = ReadinessPipeline(d.pop("pipeline"))

        service = d.pop("service")

        status = ReadinessStatus(d.pop("status"))

        def _parse_causes(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                causes_type_0 = cast(list[str], data)

                return causes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        causes = _parse_causes(d.pop("causes", UNSET))

        readiness = cls(
            checks=checks,
            pipeline=pipeline,
            service=service,
            status=status,
            causes=causes,
        )

        readiness.additional_properties = d
        return readiness

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
