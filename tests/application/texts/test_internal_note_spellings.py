"""An internal note stays in Tracker however its marker is spelt. A red team got 11 of 20
spellings through: soft hyphen, zero-width characters, Latin/Cyrillic look-alikes, the full-width `＃`, `&#35;`,
markup around the `#`. The marker is compared as a reader sees it; in doubt, the note stays."""

from __future__ import annotations

import pytest

from application.tracker_events import TrackerCommentAdded
from domain.comments import DEFAULT_INTERNAL_MARKERS, is_internal_note
from domain.people import Person
from tests.builders import message
from tests.conftest import make_bridge

ENGINEER = Person("1130000007986051", "Мария Соколова", "msokolova", "msokolova@example.com")

SPELLINGS = {
    "as configured": "#внутр не говорить клиенту",
    "upper case": "#ВНУТР не говорить клиенту",
    "english marker": "#internal: the root cause is our bug",
    "inside a word": "см. выше (#внутреннее)",
    "soft hyphen": "#вн\u00adутр не говорить клиенту",
    "zero-width space": "#в\u200bнутр не говорить клиенту",
    "zero-width joiner and word joiner": "#\u200dвну\u2060тр",
    "byte order mark": "\ufeff#\ufeffinternal",
    "Latin y and p among Cyrillic": "#вн\u0079т\u0070 не говорить",
    "Cyrillic і in internal": "#\u0456nternal",
    "Cyrillic а and е in internal": "#int\u0435rn\u0430l",
    "Latin H and upper case": "#BHУTP",
    "full-width number sign": "\uff03внутр",
    "small number sign": "\ufe5finternal",
    "numeric entity": "&#35;внутр",
    "hex entity": "&#x23;internal",
    "named entity": "&num;внутр",
    "double-escaped entity": "&amp;#35;внутр",
    "bold markup around the sign": "<b>#</b>внутр",
    "markdown around the sign": "**#**внутр и \\#internal",
    "combining accent": "#вну\u0301тр",
    "full-width letters": "#\uff49\uff4e\uff54\uff45\uff52\uff4e\uff41\uff4c",
    "upper-case I for l": "#INTERNAI",
}
ORDINARY = [
    "Внутренняя сеть снова работает",
    "Ошибка #5 внутри модуля исправлена",
    "internal server error больше не появляется",
    "# Итоги\nПерезагрузили сервер",
    "Письмо на a@b.ru отправлено, &lt;b&gt; экранирован",
]


@pytest.mark.parametrize("text", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_an_internal_note_spelt_any_way_stays_in_tracker(text: str) -> None:
    bridge = make_bridge()
    bridge.deliver(message(56431))
    comment_id = bridge.tracker.human_comment("SERVICEDESK-1", ENGINEER, text)

    outcome = bridge.deliver(TrackerCommentAdded("SERVICEDESK-1", comment_id))

    assert outcome == "internal_note"
    assert bridge.messenger.thread_posts(bridge.messenger.threads[56431].thread_id)[1:] == []  # only the card


@pytest.mark.parametrize("text", ORDINARY)
def test_an_ordinary_comment_still_goes(text: str) -> None:
    assert not is_internal_note(text, DEFAULT_INTERNAL_MARKERS)


def test_configured_markers_are_folded_too() -> None:
    markers = ("#секрет", "[hidden]")

    assert is_internal_note("#С\u200bЕКРЕТ: пароль", markers)
    assert is_internal_note("<i>[hid</i>den]", markers)
    assert not is_internal_note("секрет без решётки", markers)
