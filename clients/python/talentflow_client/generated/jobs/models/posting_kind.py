from enum import StrEnum


class PostingKind(StrEnum):
    FULL_TIME = "full_time"
    PART_TIME = "part_time"
    PROJECT = "project"
    SERVICE = "service"

    def __str__(self) -> str:
        return str(self.value)
