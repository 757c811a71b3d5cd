"""The help-desk paths on the page in a real browser: a pleasantry opens nothing, Иван takes a ticket in the agents'
chat, a quick second message is merged, the closed ticket is rated. Each step is photographed
(tests/artifacts/sandbox/, gitignored)."""

from __future__ import annotations

from selenium.webdriver.common.by import By

from tests.sandbox.browser import chromium, require_browser
from tests.sandbox.test_browser import Screen


def test_the_help_desk_paths_in_a_browser(sandbox: str) -> None:
    require_browser()
    with chromium() as driver:
        driver.get(sandbox)
        screen = Screen(driver, 1280, 800, "helpdesk")
        screen.wait("#write-text")

        screen.type_into("#write-text", "Спасибо!")
        screen.wait_text("#timeline", "вежливость, заявка не нужна")
        assert not driver.find_elements(By.CSS_SELECTOR, "#issues .issue")

        screen.type_into("#write-text", "Не печатает принтер на 3 этаже")
        screen.wait_text("#agents-chat .msg.bot .buttons", "Взять")
        key = screen.wait("#issues .issue")[0].get_attribute("data-key")
        screen.click("#agents-chat .buttons button", "Взять")
        screen.wait_text("#agents-chat", "Взял(а) в работу: Иван Иванов")
        screen.wait_text(f"#{key}", "исполнитель: Иван Иванов")
        screen.shot("agents-chat-took-it")

        screen.type_into("#write-text", "И сканер тоже не работает")
        screen.wait_text("#chat .thread .buttons", f"Объединить с {key}")
        screen.click("#chat .thread .buttons button", f"Объединить с {key}")
        screen.wait_text(f"#{key} .comment", "И сканер тоже не работает")
        screen.wait_text("#chat .thread", f"Объединена с {key}")
        screen.shot("follow-up-merged")

        screen.wait_text(f"#{key} .buttons", "Закрыть")
        screen.click(f"#{key} .buttons button", "Закрыть")
        screen.wait_text("#chat .thread", "Оцените, пожалуйста, решение")
        screen.shot("rating-asked")
        screen.click("#chat .thread .buttons button", "5")
        screen.wait_text(f"#{key} .comment", "Оценка решения в Пачке: 5 из 5")
        screen.shot("rated")

        driver.execute_script('document.querySelector("#write-chat").value = "918310"')
        screen.type_into("#write-text", "Нужен доступ к VPN")
        screen.wait_text("#issues .issue", "IT-")
        screen.wait_text("#chat", "чат «ИТ-поддержка» → очередь IT")
        screen.shot("second-chat-routed")
