from enum import StrEnum


class ContactDisclosureBasis(StrEnum):
    ACCEPTANCE = "acceptance"
    AGENCY = "agency"
    APPLICATION = "application"
    GRANT = "grant"
    PROFILE = "profile"

    def __str__(self) -> str:
        return str(self.value)
