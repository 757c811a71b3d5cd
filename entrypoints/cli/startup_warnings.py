"""What a missing optional variable turns off, said once when `serve` starts rather than found out later."""

from __future__ import annotations

from entrypoints.config.settings import Settings


def turned_off(settings: Settings) -> list[tuple[str, str]]:
    """(variable, the sentence that says what goes without it) for each optional feature left off."""
    off = []
    if not settings.secret("tracker_webhook_secret") and not settings.polling:  # poll mode searches Tracker itself
        off.append(("TRACKER_WEBHOOK_SECRET", "TRACKER_WEBHOOK_SECRET is not set: Tracker events are refused (401), "
                    "so no Tracker comment or status change reaches Pachca"))  # fmt: skip
    if settings.polling and settings.reconcile_minutes == 0:
        off.append(("RECONCILE_MINUTES", "RECONCILE_MINUTES=0 in poll mode: Tracker is never searched, so no Tracker "
                    "comment or status change reaches Pachca"))  # fmt: skip
    if not settings.directory_configured:
        off.append(("Y360_OAUTH", "Y360_OAUTH and Y360_ORG_ID are not both set: the Yandex 360 directory is off, so "
                    "Tracker @mentions are matched through Tracker's own user records only"))  # fmt: skip
    if not settings.intake_topics:
        off.append(("INTAKE_TOPICS", "INTAKE_TOPICS is not set: the intake form is off, /new opens a ticket from its "
                    "own text"))  # fmt: skip
    if not settings.agent_pachca_user_ids:
        off.append(("AGENT_PACHCA_USER_IDS", "AGENT_PACHCA_USER_IDS is not set: anyone in a support chat may take "
                    "and close tickets by button"))  # fmt: skip
    return off
