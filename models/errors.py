"""`DatasetError`: the data a model is given cannot be used (missing, unreadable, wrong columns, too little).

Example:
>>> from exporter import ExportError
>>> issubclass(DatasetError, ExportError)   # the CLIs print it as one `error:` line and exit 2
True
"""

from exporter import ExportError


class DatasetError(ExportError):
    """A dataset problem, said in one "what: why: fix" line like every `ExportError`."""
