from enum import StrEnum


class ContactConsentGivenBy(StrEnum):
    AGENCY = "agency"
    WORKER = "worker"

    def __str__(self) -> str:
        return str(self.value)
