from enum import StrEnum


class AvailabilityMode(StrEnum):
    FULL_TIME = "full_time"
    PART_TIME = "part_time"
    PROJECT = "project"
    REMOTE_SERVICE = "remote_service"

    def __str__(self) -> str:
        return str(self.value)
