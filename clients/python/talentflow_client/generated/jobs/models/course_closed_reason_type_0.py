from enum import StrEnum


class CourseClosedReasonType0(StrEnum):
    DELETED = "deleted"
    EXPIRED = "expired"
    FULL = "full"
    WITHDRAWN = "withdrawn"

    def __str__(self) -> str:
        return str(self.value)
