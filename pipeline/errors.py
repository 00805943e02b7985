"""One exception type for bad input: it always names the file, the line and what was expected."""

from __future__ import annotations


class SourceError(Exception):
    """Raised when a raw file does not have the structure or content the pipeline expects."""

    def __init__(self, path: str, line: int | None, expected: str, found: str | None = None):
        self.path = path
        self.line = line
        self.expected = expected
        self.found = found
        where = f"{path}:{line}" if line else path
        message = f"{where}: expected {expected}"
        if found is not None:
            message += f"; found {found!r}"
        super().__init__(message)
