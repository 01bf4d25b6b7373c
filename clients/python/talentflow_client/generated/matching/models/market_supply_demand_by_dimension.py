from enum import StrEnum


class MarketSupplyDemandByDimension(StrEnum):
    LEVEL = "level"
    OCCUPATION = "occupation"
    REGION = "region"

    def __str__(self) -> str:
        return str(self.value)
