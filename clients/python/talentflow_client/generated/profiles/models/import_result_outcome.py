from enum import StrEnum


class ImportResultOutcome(StrEnum):
    CREATED = "created"
    FAILED = "failed"
    UPDATED = "updated"

    def __str__(self) -> str:
        return str(self.value)
