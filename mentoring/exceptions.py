class MentoringError(Exception):
    """A mentoring action that cannot be done, with a message for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
