from enum import StrEnum


class CourseMode(StrEnum):
    BLENDED = "blended"
    ONSITE = "onsite"
    REMOTE = "remote"

    def __str__(self) -> str:
        return str(self.value)
