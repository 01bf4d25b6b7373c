from enum import StrEnum


class PostingClosedReasonType0(StrEnum):
    DELETED = "deleted"
    EXPIRED = "expired"
    FILLED = "filled"
    WITHDRAWN = "withdrawn"

    def __str__(self) -> str:
        return str(self.value)
