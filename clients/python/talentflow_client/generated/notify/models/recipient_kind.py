from enum import StrEnum


class RecipientKind(StrEnum):
    ORG = "org"
    WORKER = "worker"

    def __str__(self) -> str:
        return str(self.value)
