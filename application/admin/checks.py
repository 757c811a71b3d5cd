"""What a `doctor` check finds: a status, what was found or the problem, and the fix."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from ports.errors import PermanentFailure, TransientFailure

PROBLEM_LIMIT = 200


class Status(Enum):
    OK = "ok"
    WARN = "warn"
    FAIL = "FAIL"


@dataclass(frozen=True)
class CheckResult:
    status: Status
    check: str
    detail: str  # what was found, or the problem
    fix: str = ""

    @property
    def failed(self) -> bool:
        return self.status is Status.FAIL


def ok(check: str, detail: str) -> CheckResult:
    return CheckResult(Status.OK, check, detail)


def warn(check: str, problem: str, fix: str) -> CheckResult:
    return CheckResult(Status.WARN, check, problem, fix)


def fail(check: str, problem: str, fix: str) -> CheckResult:
    return CheckResult(Status.FAIL, check, problem, fix)


def failed(check: str, error: Exception, fix: str, service: str) -> CheckResult:
    """A check that could not run; an unreachable service gets the fix that says so."""
    if isinstance(error, TransientFailure):
        fix = f"make sure {service} is reachable from here (API URL, proxy, firewall), then run doctor again"
    return fail(check, problem(error), fix)


def problem(error: Exception) -> str:
    text = (str(error) or type(error).__name__).splitlines()[0]
    if isinstance(error, PermanentFailure) and error.status == 401:
        text = "the token was refused (401)"
    elif isinstance(error, PermanentFailure) and error.status == 403:
        text = "access denied (403): " + text
    return text if len(text) <= PROBLEM_LIMIT else text[: PROBLEM_LIMIT - 1] + "…"
