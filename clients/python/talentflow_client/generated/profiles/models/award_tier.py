from enum import StrEnum


class AwardTier(StrEnum):
    CITY = "city"
    ENTERPRISE = "enterprise"
    NATIONAL = "national"
    PROVINCIAL = "provincial"

    def __str__(self) -> str:
        return str(self.value)
