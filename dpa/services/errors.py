"""Why a DPA operation was refused; `message` is for the person who tried."""


class DpaRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = str(message)


class NotAllowed(DpaRefused):
    """The person may not do this (not an admin of the organisation, not legal)."""


class SecondFactorNeeded(DpaRefused):
    """Signing needs a second factor verified with a fresh code in this session."""


class TemplateRefused(DpaRefused):
    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


class AlreadyExecuted(DpaRefused):
    """The agreement is executed: it cannot be countersigned, rendered or changed again."""


class ReminderTooSoon(DpaRefused):
    pass
