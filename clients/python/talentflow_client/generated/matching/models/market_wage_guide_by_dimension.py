from enum import StrEnum


class MarketWageGuideByDimension(StrEnum):
    LEVEL = "level"
    OCCUPATION = "occupation"
    REGION = "region"

    def __str__(self) -> str:
        return str(self.value)
