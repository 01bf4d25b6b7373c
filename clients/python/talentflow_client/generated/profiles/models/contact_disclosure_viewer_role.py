from enum import StrEnum


class ContactDisclosureViewerRole(StrEnum):
    AGENCY = "agency"
    EMPLOYER = "employer"

    def __str__(self) -> str:
        return str(self.value)
