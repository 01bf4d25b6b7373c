from enum import StrEnum


class DeliveryMode(StrEnum):
    DAILY_DIGEST = "daily_digest"
    IMMEDIATE = "immediate"

    def __str__(self) -> str:
        return str(self.value)
