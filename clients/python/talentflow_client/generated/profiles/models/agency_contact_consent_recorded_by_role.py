from enum import StrEnum


class AgencyContactConsentRecordedByRole(StrEnum):
    ADMIN = "admin"
    WORKER = "worker"

    def __str__(self) -> str:
        return str(self.value)
