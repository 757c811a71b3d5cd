"""`doctor`'s Yandex 360 check: the directory answers, or the fallbacks mentions use without it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from application.admin.checks import CheckResult, failed, ok, warn
from ports.admin import DirectoryAdmin


@dataclass(frozen=True)
class DirectoryCheck:
    """`variables` names each setting's environment variable, for the fixes."""

    directory: DirectoryAdmin | None
    email_domain: str | None
    variables: Mapping[str, str]

    def execute(self) -> CheckResult:
        check = "y360 directory"
        oauth, org = self.variables["y360_oauth"], self.variables["y360_org_id"]
        if self.directory is None:
            domain = self.email_domain or "not set"
            return warn(
                check,
                f"not configured: mentions fall back to Tracker's user record and "
                f"{self.variables['pachca_email_domain']} ({domain})",
                f"set {oauth} and {org} to look people up in the Yandex 360 directory",
            )
        try:
            count = self.directory.count_users()
        except Exception as e:
            fix = f"check {oauth} (an org admin's token with directory:read_users) and {org}"
            return failed(check, e, fix, "Yandex 360")
        return ok(check, f"{count} people in the organisation")
