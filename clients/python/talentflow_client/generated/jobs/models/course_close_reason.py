from enum import StrEnum


class CourseCloseReason(StrEnum):
    FULL = "full"
    WITHDRAWN = "withdrawn"

    def __str__(self) -> str:
        return str(self.value)
