from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.disclosure_request_viewer_role import DisclosureRequestViewerRole

if TYPE_CHECKING:
    from ..models.disclosure_offer import DisclosureOffer


T = TypeVar("T", bound="DisclosureRequest")


@_attrs_define
class DisclosureRequest:
    """POST /v1/workers/{id}/contact-disclosures (a service, i.e. jobs after mutual interest).

    Attributes:
        offered (list[DisclosureOffer]): best first
        posting_id (str):
        viewer_id (str):
        viewer_org (str): the org the contact goes to (the posting's)
        viewer_role (DisclosureRequestViewerRole):
    """

    offered: list[DisclosureOffer]
    posting_id: str
    viewer_id: str
    viewer_org: str
    viewer_role: DisclosureRequestViewerRole

    def to_dict(self) -> dict[str, Any]:
        offered = []
        for offered_item_data in self.offered:
            offered_item = offered_item_data.to_dict()
            offered.append(offered_item)

        posting_id = self.posting_id

        viewer_id = self.viewer_id

        viewer_org = self.viewer_org

        viewer_role = self.viewer_role.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "offered": offered,
                "posting_id": posting_id,
                "viewer_id": viewer_id,
                "viewer_org": viewer_org,
                "viewer_role": viewer_role,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.disclosure_offer import DisclosureOffer

        d = dict(src_dict)
        offered = []
        _offered = d.pop("offered")
        for offered_item_data in _offered:
            offered_item = DisclosureOffer.from_dict(offered_item_data)

            offered.append(offered_item)

        posting_id = d.pop("posting_id")

        viewer_id = d.pop("viewer_id")

        viewer_org = d.pop("viewer_org")

        viewer_role = DisclosureRequestViewerRole(d.pop("viewer_role"))

        disclosure_request = cls(
            offered=offered,
            posting_id=posting_id,
            viewer_id=viewer_id,
            viewer_org=viewer_org,
            viewer_role=viewer_role,
        )

        return disclosure_request
