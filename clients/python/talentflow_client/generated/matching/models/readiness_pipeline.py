from enum import StrEnum


class ReadinessPipeline(StrEnum):
    OK = "ok"
    STUCK = "stuck"

    def __str__(self) -> str:
        return str(self.value)
