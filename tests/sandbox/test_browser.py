"""The page in a real browser: the requester and the agent play the whole loop, and each step is photographed
(tests/artifacts/sandbox/, gitignored)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.sandbox.browser import chromium, require_browser
from tests.sandbox.conftest import start, stop

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
    def __init__(self, driver: Any, width: int, height: int, test: str) -> None:
        self.driver = driver
        self.test = test
        self.step = 0
        self.width = width
        # the page's viewport exactly, whatever the window's frame takes
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 800},
        )
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def shot(self, name: str) -> None:
        self.step += 1
        self.driver.save_screenshot(str(ARTIFACTS / f"{self.test}-{self.width}-{self.step:02d}-{name}.png"))

    def no_sideways_scroll(self) -> None:
        widths = self.driver.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1] == self.width, f"the page is {widths[0]} px wide in a {widths[1]} px window"

    def visible(self, what: str) -> Any:
        return self.until(lambda d: [e for e in d.find_elements(By.CSS_SELECTOR, what) if e.is_displayed()])

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
            button = next((b for b in d.find_elements(By.CSS_SELECTOR, where) if b.text == text), None)
            if button is None:
                return False
            button.click()  # the first one
            return True

        self.until(press)


LONG_URL = "https://intranet.example.com/" + "очень-длинный-путь/" * 12 + "?query=" + "x" * 80


def test_the_whole_loop_in_a_browser(sandbox: str) -> None:
    require_browser()
    with chromium() as driver:
        screen = Screen(driver, 1280, 800, "loop")
        driver.get(sandbox)
        screen.wait("#write-text")
        assert not driver.find_element(By.ID, "tabs").is_displayed()  # three panes side by side, no tabs
        screen.shot("empty")

        screen.type_into("#write-text", "Не работает VPN из дома")
        screen.wait_text("#chat .thread .msg.bot", "Заявка SERVICEDESK-")
        screen.wait_text("#chat .thread .buttons", "Закрыть")
        screen.wait_text("#issues .issue", "Не работает VPN из дома")
        key = driver.find_element(By.CSS_SELECTOR, "#issues .issue").get_attribute("data-key")
        screen.wait_text("#timeline .group .cause", "Пачка → мост: новое сообщение")
        group = screen.visible("#timeline .group")[-1]  # the first webhook: its calls above its own line
        assert "мост → Трекер" in group.find_element(By.CSS_SELECTOR, "ol").text
        screen.shot("ticket-opened")

        screen.type_into("#write-text", f"Не открывается ссылка {LONG_URL}")
        screen.wait_text("#chat .msg", "очень-длинный-путь")
        screen.no_sideways_scroll()
        last = driver.find_elements(By.CSS_SELECTOR, "#chat .msg")[-1]
        assert driver.execute_script(VISIBLE_IN_FEED, last), "the chat did not scroll to the new message"

        screen.type_into(f"#{key} .comment-text", "Переустановите клиент, пожалуйста @opetrov")
        screen.wait_text("#chat .thread", "Переустановите клиент")
        screen.shot("agent-commented")

        screen.type_into("#chat .thread input.reply", "Переустановил, заработало. Спасибо, @ivan_ivanov")
        screen.wait_text(f"#{key} .comment", "Переустановил, заработало")
        screen.shot("requester-replied")

        screen.click("#chat .thread .buttons a", "Открыть в Трекере")
        screen.wait(f"#{key}.highlight")
        assert len(driver.window_handles) == 1  # the issue is shown here, not in a second sandbox
        screen.shot("issue-highlighted")

        screen.click("#chat .thread .buttons button", "Мои заявки")
        screen.wait_text("#chat", "Личные сообщения от бота")
        [link] = screen.until(lambda d: d.find_elements(By.CSS_SELECTOR, f"#chat > h3 ~ .msg a[href$='/{key}']"))
        assert link.text == key and "](" not in driver.find_element(By.ID, "chat").text  # a link, not markdown
        link.click()
        screen.wait(f"#{key}.highlight")

        screen.click("#chat .thread .buttons button", "Закрыть")
        screen.wait_text(f"#{key} .status", "Закрыт")
        screen.wait_text("#chat .thread", "Статус заявки изменён: Закрыт")
        screen.shot("closed")

        screen.click("label", "Трекер недоступен (503)")
        screen.wait("#sw-tracker_down:checked")
        screen.type_into("#write-text", "Не открывается 1С")
        screen.wait_text("#timeline", "в очереди повторов")
        screen.wait_text("#outbox", "Очередь повторов: 1")
        screen.wait_text("#outbox", "следующая попытка через")
        [waiting] = screen.visible("#waiting li")
        assert "сообщение из Пачки" in waiting.text and "следующая попытка через" in waiting.text
        screen.wait_text("#chat .thread .msg.bot", "Заявка принята, создаём…")
        assert "Не открывается 1С" not in driver.find_element(By.ID, "issues").text
        screen.no_sideways_scroll()
        screen.shot("tracker-down-queued")

        screen.click("label", "Трекер недоступен (503)")
        screen.wait_text("#issues .issue", "Не открывается 1С", timeout=75)
        screen.wait_text("#outbox", "Очередь повторов: 0")
        screen.wait_text("#dups", "Дублей нет")
        screen.shot("carried-after-tracker-is-back")
        assert len(driver.find_elements(By.CSS_SELECTOR, "#issues .issue")) == 3


VISIBLE_IN_FEED = """
const box = arguments[0].getBoundingClientRect();
const view = document.querySelector("#chat").getBoundingClientRect();
return box.bottom <= view.bottom + 1 && box.top >= view.top - 1;
"""


def test_on_a_phone_the_panes_are_tabs_and_nothing_scrolls_sideways(sandbox: str) -> None:
    require_browser()
    with chromium() as driver:
        screen = Screen(driver, 390, 844, "phone")
        driver.get(sandbox)
        screen.visible("#tabs")
        assert [p.get_attribute("id") for p in screen.visible("main .pane")] == ["pachca"]
        screen.no_sideways_scroll()
        screen.shot("phone-chat")

        screen.type_into("#write-text", "/new")
        screen.click("#chat .buttons button", "Новая заявка")
        screen.visible("#forms .form textarea[name=description]")
        driver.execute_script("document.querySelector('#forms .form').requestSubmit()")  # an empty description
        [error] = screen.visible("#forms .form .error")
        assert error.text  # the bridge's own words for the field, beside it
        assert error.get_attribute("data-error") == "description"
        screen.no_sideways_scroll()
        screen.shot("phone-form-error")

        screen.type_into("#forms .form textarea[name=description]", "Нужен второй монитор")
        screen.until(lambda d: not d.find_elements(By.CSS_SELECTOR, "#forms .form"))

        screen.click("#tabs button", "Трекер")
        assert [p.get_attribute("id") for p in screen.visible("main .pane")] == ["tracker"]
        screen.wait_text("#issues .issue", "Нужен второй монитор")
        screen.no_sideways_scroll()
        screen.shot("phone-tracker")

        screen.click("#tabs button", "Что происходит")
        screen.wait_text("#timeline", "отправлена форма")
        screen.no_sideways_scroll()
        screen.shot("phone-timeline")


def test_a_restart_reloads_the_page_and_a_lost_connection_keeps_what_was_typed() -> None:
    require_browser()
    first = start("--port", "0", "--no-browser")
    assert first.stdout is not None
    url = first.stdout.readline().rsplit(" ", 1)[-1].strip()
    second = None
    try:
        with chromium() as driver:
            screen = Screen(driver, 1280, 800, "restart")
            driver.get(url)
            screen.wait_text("#timeline, #issues", "")
            screen.type_into("#write-text", "Первое сообщение")
            screen.wait_text("#chat .msg", "Первое сообщение")
            driver.execute_script(
                "const f = document.querySelector('#write-text'); f.value = 'Не отправлено';"
                "f.dispatchEvent(new Event('input', {bubbles: true}));"
            )
            stop(first)
            screen.visible("#offline")
            driver.execute_script("document.querySelector('#write').requestSubmit()")
            assert driver.find_element(By.ID, "write-text").get_attribute("value") == "Не отправлено"
            screen.shot("offline")

            port = url.rstrip("/").rsplit(":", 1)[1]
            second = start("--port", port, "--no-browser")
            screen.until(lambda d: not d.find_element(By.ID, "offline").is_displayed(), timeout=30)
            screen.until(lambda d: "Первое сообщение" not in d.find_element(By.ID, "chat").text, timeout=30)
            assert driver.find_element(By.ID, "write-text").get_attribute("value") == "Не отправлено"
            screen.shot("restarted")
    finally:
        stop(first)
        if second is not None:
            stop(second)
