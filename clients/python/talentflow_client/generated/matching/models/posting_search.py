from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.posting_kind import PostingKind
from ..models.skill_level import SkillLevel
from ..types import UNSET, Unset

T = TypeVar("T", bound="PostingSearch")


@_attrs_define
class PostingSearch:
    """Find open postings whose deadline has not passed.

    Attributes:
        kinds (list[PostingKind] | Unset): any of these kinds
        limit (int | Unset):  Default: 20.
        min_level (None | SkillLevel | Unset): postings asking at least this level (high-skill postings)
        occupation (None | str | Unset): an occupation code (6-18-02-04, or a group like 6-18) or a name
        region (None | str | Unset): a 2-, 4- or 6-digit GB/T 2260 code: province, city or county
        remote (bool | None | Unset):
        skills (list[str] | Unset): any of these skills (synonyms folded)
        text (str | Unset): free text, cut into words and matched against the documents Default: ''.
        worker_level (None | SkillLevel | Unset): postings a worker of this level qualifies for
    """

    kinds: list[PostingKind] | Unset = UNSET
    limit: int | Unset = 20
    min_level: None | SkillLevel | Unset = UNSET
    occupation: None | str | Unset = UNSET
    region: None | str | Unset = UNSET
    remote: bool | None | Unset = UNSET
    skills: list[str] | Unset = UNSET
    text: str | Unset = ""
    worker_level: None | SkillLevel | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        kinds: list[str] | Unset = UNSET
        if not isinstance(self.kinds, Unset):
            kinds = []
            for kinds_item_data in self.kinds:
                kinds_item = kinds_item_data.value
                kinds.append(kinds_item)

        limit = self.limit

        min_level: None | str | Unset
        if isinstance(self.min_level, Unset):
            min_level = UNSET
        elif isinstance(self.min_level, SkillLevel):
            min_level = self.min_level.value
        else:
            min_level = self.min_level

        occupation: None | str | Unset
        if isinstance(self.occupation, Unset):
            occupation = UNSET
        else:
            occupation = self.occupation

        region: None | str | Unset
        if isinstance(self.region, Unset):
            region = UNSET
        else:
            region = self.region

        remote: bool | None | Unset
        if isinstance(self.remote, Unset):
            remote = UNSET
        else:
            remote = self.remote

        skills: list[str] | Unset = UNSET
        if not isinstance(self.skills, Unset):
            skills = self.skills

        text = self.text

        worker_level: None | str | Unset
        if isinstance(self.worker_level, Unset):
            worker_level = UNSET
        elif isinstance(self.worker_level, SkillLevel):
            worker_level = self.worker_level.value
        else:
            worker_level = self.worker_level

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if kinds is not UNSET:
            field_dict["kinds"] = kinds
        if limit is not UNSET:
            field_dict["limit"] = limit
        if min_level is not UNSET:
            field_dict["min_level"] = min_level
        if occupation is not UNSET:
            field_dict["occupation"] = occupation
        if region is not UNSET:
            field_dict["region"] = region
        if remote is not UNSET:
            field_dict["remote"] = remote
        if skills is not UNSET:
            field_dict["skills"] = skills
        if text is not UNSET:
            field_dict["text"] = text
        if worker_level is not UNSET:
            field_dict["worker_level"] = worker_level

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        _kinds = d.pop("kinds", UNSET)
        kinds: list[PostingKind] | Unset = UNSET
        if _kinds is not UNSET:
            kinds = []
            for kinds_item_data in _kinds:
                kinds_item = PostingKind(kinds_item_data)

                kinds.append(kinds_item)

        limit = d.pop("limit", UNSET)

        def _parse_min_level(data: object) -> None | SkillLevel | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                min_level_type_0 = SkillLevel(data)

                return min_level_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SkillLevel | Unset, data)

        min_level = _parse_min_level(d.pop("min_level", UNSET))

        def _parse_occupation(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        occupation = _parse_occupation(d.pop("occupation", UNSET))

        def _parse_region(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        region = _parse_region(d.pop("region", UNSET))

        def _parse_remote(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        remote = _parse_remote(d.pop("remote", UNSET))

        skills = cast(list[str], d.pop("skills", UNSET))

        text = d.pop("text", UNSET)

        def _parse_worker_level(data: object) -> None | SkillLevel | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                worker_level_type_0 = SkillLevel(data)

                return worker_level_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SkillLevel | Unset, data)

        worker_level = _parse_worker_level(d.pop("worker_level", UNSET))

        posting_search = cls(
            kinds=kinds,
            limit=limit,
            min_level=min_level,
            occupation=occupation,
            region=region,
            remote=remote,
            skills=skills,
            text=text,
            worker_level=worker_level,
        )

        return posting_search
