from enum import StrEnum


class CloseReason(StrEnum):
    FILLED = "filled"
    WITHDRAWN = "withdrawn"

    def __str__(self) -> str:
        return str(self.value)
