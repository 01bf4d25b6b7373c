from enum import StrEnum


class ContactBasis(StrEnum):
    APPLICATION_HIRED = "application_hired"
    APPLICATION_SHORTLISTED = "application_shortlisted"
    INVITATION_ACCEPTED = "invitation_accepted"

    def __str__(self) -> str:
        return str(self.value)
