from __future__ import annotations

from domain.tickets import LINK_FIELD_KEYS, IssueLink


def test_the_link_goes_into_the_issue_fields_and_comes_back() -> None:
    link = IssueLink(message_id=56431, chat_id=918264, user_id=134412, thread_id=265142)
    fields = link.to_fields()
    assert fields == {
        "pachcaMessageId": "56431",
        "pachcaChatId": "918264",
        "pachcaUserId": "134412",
        "pachcaThreadId": "265142",
    }
    assert tuple(fields) == LINK_FIELD_KEYS
    assert IssueLink.from_fields(fields) == link


def test_an_issue_without_a_message_id_has_no_link_and_garbage_is_not_a_number() -> None:
    assert IssueLink.from_fields({"pachcaChatId": "918264"}) is None
    assert IssueLink.from_fields({"pachcaMessageId": " 56431 ", "pachcaUserId": "олег"}) == IssueLink(56431)
