from enum import StrEnum


class CourseStatus(StrEnum):
    CLOSED = "closed"
    EXPIRED = "expired"
    FULL = "full"
    OPEN = "open"
    PAUSED = "paused"

    def __str__(self) -> str:
        return str(self.value)
