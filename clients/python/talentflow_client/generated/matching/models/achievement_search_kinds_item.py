from enum import StrEnum


class AchievementSearchKindsItem(StrEnum):
    AWARD = "award"
    OTHER = "other"
    PATENT = "patent"
    PROCESS_INNOVATION = "process_innovation"
    WORK_METHOD = "work_method"

    def __str__(self) -> str:
        return str(self.value)
