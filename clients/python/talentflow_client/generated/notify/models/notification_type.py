from enum import StrEnum


class NotificationType(StrEnum):
    APPLICATION_SUBMITTED = "application.submitted"
    APPLICATION_UPDATED = "application.updated"
    IMPORT_COMPLETED = "import.completed"
    INVITATION_ANSWERED = "invitation.answered"
    INVITATION_SENT = "invitation.sent"
    MARKET_REPORT_PUBLISHED = "market.report_published"
    MATCH_FOUND = "match.found"
    POSTING_CLOSED = "posting.closed"
    SUBSCRIPTION_DISABLED = "subscription.disabled"

    def __str__(self) -> str:
        return str(self.value)
