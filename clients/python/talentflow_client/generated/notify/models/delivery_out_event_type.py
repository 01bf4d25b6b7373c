from enum import StrEnum


class DeliveryOutEventType(StrEnum):
    APPLICATION_SUBMITTED = "application.submitted"
    IMPORT_COMPLETED = "import.completed"
    INVITATION_ANSWERED = "invitation.answered"
    MARKET_REPORT_PUBLISHED = "market.report_published"
    MATCH_FOUND = "match.found"
    SUBSCRIPTION_DISABLED = "subscription.disabled"
    WEBHOOK_TEST = "webhook.test"

    def __str__(self) -> str:
        return str(self.value)
