from enum import StrEnum


class PostingStatus(StrEnum):
    CLOSED = "closed"
    EXPIRED = "expired"
    FILLED = "filled"
    OPEN = "open"
    PAUSED = "paused"

    def __str__(self) -> str:
        return str(self.value)
