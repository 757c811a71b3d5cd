"""Headless Chromium from the system's packages (Debian's `chromium` and `chromium-driver`), driven by Selenium.
Nothing is downloaded: the browser and its driver are the installed ones, Selenium Manager stays offline."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

BROWSER = os.environ.get("SANDBOX_CHROMIUM", "/usr/bin/chromium")
DRIVER = os.environ.get("SANDBOX_CHROMEDRIVER", "/usr/bin/chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1500,950",
)


def require_browser() -> None:
    """Fails, saying what to install, where no Chromium is installed (`make test` installs it: tests/services.sh)."""
    missing = [path for path in (BROWSER, DRIVER) if not shutil.which(path)]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: apt-get install -y chromium chromium-driver (`make test` does)")


@contextmanager
def chromium() -> Iterator[Any]:
    os.environ["SE_OFFLINE"] = "true"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = BROWSER
    with tempfile.TemporaryDirectory(prefix="sandbox-chromium-") as profile:
        for flag in (*FLAGS, f"--user-data-dir={profile}"):
            options.add_argument(flag)
        driver = webdriver.Chrome(options=options, service=Service(executable_path=DRIVER))
        try:
            yield driver
        finally:
            driver.quit()
