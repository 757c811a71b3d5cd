"""The page in a real browser: the requester and the agent play the whole loop, and each step is photographed
(tests/artifacts/sandbox/, gitignored)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.sandbox.browser import chromium, require_browser

TYPE_AND_SEND = """
const field = document.querySelector(arguments[0]);
if (!field) return false;
field.focus();
field.value = arguments[1];
field.dispatchEvent(new Event("input", {bubbles: true}));
field.form.requestSubmit();
return true;
"""
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "sandbox"


class Screen:
    def __init__(self, driver: Any) -> None:
        self.driver = driver
        self.step = 0
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def shot(self, name: str) -> None:
        self.step += 1
        self.driver.save_screenshot(str(ARTIFACTS / f"{self.step:02d}-{name}.png"))

    def until(self, check: Any, timeout: float = 20.0) -> Any:
        """The page redraws as the state changes: an element gone stale is looked up again."""
        wait = WebDriverWait(self.driver, timeout, 0.2, ignored_exceptions=(StaleElementReferenceException,))
        return wait.until(check)

    def wait(self, what: str, timeout: float = 20.0) -> Any:
        return self.until(lambda d: d.find_elements(By.CSS_SELECTOR, what), timeout)

    def wait_text(self, where: str, text: str, timeout: float = 20.0) -> None:
        self.until(lambda d: any(text in e.text for e in d.find_elements(By.CSS_SELECTOR, where)), timeout)

    def type_into(self, what: str, text: str) -> None:
        """Types `text` into the field and sends its form, as one step (no redraw can come in between)."""
        sent = self.driver.execute_script(TYPE_AND_SEND, what, text)
        assert sent, f"no field {what}"

    def click(self, where: str, text: str) -> None:
        def press(d: Any) -> bool:
            [button] = [b for b in d.find_elements(By.CSS_SELECTOR, where) if b.text == text]
            button.click()
            return True

        self.until(press)


def test_the_whole_loop_in_a_browser(sandbox: str) -> None:
    require_browser()
    with chromium() as driver:
        driver.get(sandbox)
        screen = Screen(driver)
        screen.wait("#write-text")
        screen.shot("empty")

        screen.type_into("#write-text", "Не работает VPN из дома")
        screen.wait_text("#chat .thread .msg.bot", "Заявка SERVICEDESK-")
        screen.wait_text("#chat .thread .buttons", "Закрыть")
        screen.wait_text("#issues .issue", "Не работает VPN из дома")
        key = driver.find_element(By.CSS_SELECTOR, "#issues .issue").get_attribute("data-key")
        screen.shot("ticket-opened")

        screen.type_into(f"#{key} .comment-text", "Переустановите клиент, пожалуйста @opetrov")
        screen.wait_text("#chat .thread", "Переустановите клиент")
        screen.shot("agent-commented")

        screen.type_into("#chat .thread input.reply", "Переустановил, заработало. Спасибо, @ivan_ivanov")
        screen.wait_text(f"#{key} .comment", "Переустановил, заработало")
        screen.shot("requester-replied")

        screen.click("#chat .thread .buttons button", "Закрыть")
        screen.wait_text(f"#{key} .status", "Закрыт")
        screen.wait_text("#chat .thread", "Статус заявки изменён: Закрыт")
        screen.shot("closed")

        screen.click("label", "Трекер недоступен (503)")
        screen.wait("#sw-tracker_down:checked")
        screen.type_into("#write-text", "Не открывается 1С")
        screen.wait_text("#timeline", "queued")
        screen.wait_text("#outbox", "Очередь повторов: 1")
        assert "Не открывается 1С" not in driver.find_element(By.ID, "issues").text
        screen.shot("tracker-down-queued")

        screen.click("label", "Трекер недоступен (503)")
        screen.wait_text("#issues .issue", "Не открывается 1С", timeout=75)
        screen.wait_text("#outbox", "Очередь повторов: 0")
        screen.wait_text("#dups", "Дублей нет")
        screen.shot("carried-after-tracker-is-back")
        assert len(driver.find_elements(By.CSS_SELECTOR, "#issues .issue")) == 2
