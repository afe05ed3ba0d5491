"""The one error type users see: a single line that says what to change."""


class ExportError(ValueError):
    """Input the projector cannot load correctly; the message says what to change.

    The CLI prints ``error: <message>`` and exits with status 2; nothing has been
    written when it is raised.
    """


class ExportWarning(UserWarning):
    """The export is loadable but something deserves attention (the CLI prints `warning: ...`)."""
