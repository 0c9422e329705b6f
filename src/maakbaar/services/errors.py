"""Errors a user can act on: each says what is wrong and where."""

from __future__ import annotations


class ImportProblem(ValueError):
    """An import was refused; ``problems`` lists every reason with its row or field. Nothing was stored."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{source}: {len(problems)} problem(s), nothing was imported:\n{shown}{more}")


class NotEmptyError(RuntimeError):
    pass
