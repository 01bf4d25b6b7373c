from enum import StrEnum


class WageUnit(StrEnum):
    DAY = "day"
    HOUR = "hour"
    MONTH = "month"
    PROJECT = "project"

    def __str__(self) -> str:
        return str(self.value)
