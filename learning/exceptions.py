class JourneyError(Exception):
    """A learner action that cannot be done, with a message to show them."""

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotEnrolled(JourneyError):
    pass


class EnrolmentClosed(JourneyError):
    pass


class PrerequisitesMissing(JourneyError):
    def __init__(self, message, missing):
        super().__init__(message)
        self.missing = missing


class NotAvailableYet(JourneyError):
    pass


class InvalidAnswer(JourneyError):
    pass
