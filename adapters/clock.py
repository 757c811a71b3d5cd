"""The system's clock: seconds since the epoch, read by `time.time` itself (no frame of ours per reading)."""

from __future__ import annotations

import time


class SystemClock:
    now = staticmethod(time.time)
