from enum import StrEnum


class MarketWageGuideByLevelType0(StrEnum):
    APPRENTICE = "apprentice"
    CHIEF_TECHNICIAN = "chief_technician"
    HIGH_SKILL = "high_skill"
    INTERMEDIATE = "intermediate"
    JUNIOR = "junior"
    PRINCIPAL_TECHNICIAN = "principal_technician"
    SENIOR = "senior"
    SENIOR_TECHNICIAN = "senior_technician"
    TECHNICIAN = "technician"

    def __str__(self) -> str:
        return str(self.value)
