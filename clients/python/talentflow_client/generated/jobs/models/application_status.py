from enum import StrEnum


class ApplicationStatus(StrEnum):
    HIRED = "hired"
    REJECTED = "rejected"
    SHORTLISTED = "shortlisted"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"

    def __str__(self) -> str:
        return str(self.value)
