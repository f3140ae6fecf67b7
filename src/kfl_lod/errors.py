"""Errors the core raises; the CLI and the web layer map them to exit codes and statuses."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    """One problem found in the source tables, located as the clerk sees it."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str  # in English: what is wrong and what is expected
    code: str
    message_pl: str = ""  # the same in Polish, for the clerk

    @property
    def where(self) -> str:
        """File (and sheet), row and column, as the clerk finds them: "x.csv, row 3, column nazwa"."""
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"

    def as_dict(self) -> dict:
        return asdict(self)


class KflError(Exception):
    """Base of every error the core reports to a user."""

    code = "error"


class SourceError(KflError):
    """The source tables have problems; all of them are listed, not just the first."""

    code = "bad-source"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" + (f"\n    PL: {p.message_pl}" if p.message_pl else "") for p in problems)
        super().__init__(
            f"{len(problems)} problem(s) in the source data — problemy w danych źródłowych: {len(problems)}\n{lines}"
        )


class SettingsError(KflError):
    """A setting has a value the program cannot use."""

    code = "bad-settings"


class PublishError(KflError):
    """The publication folder cannot be written (``--out`` names a file, a path that cannot exist, …)."""

    code = "bad-out"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" + (f"\n    PL: {p.message_pl}" if p.message_pl else "") for p in problems)
        super().__init__(f"cannot publish — nie można opublikować:\n{lines}")
