from __future__ import annotations

import pytest

from domain.text.noise import DEFAULT_PLEASANTRIES, LONGEST_PLEASANTRY, is_pleasantry


@pytest.mark.parametrize(
    "text",
    ["спасибо", "Спасибо!", "  ОК. ", "ok!!!", "Понятно)", "👍", "👍👍👍", "👍🏻", "🙏🙏", "Ок, спасибо 🙏", "ага..."],
)
def test_a_pleasantry_alone_is_noise(text: str) -> None:
    assert is_pleasantry(text, DEFAULT_PLEASANTRIES)


@pytest.mark.parametrize(
    "text",
    [
        "Спасибо, но принтер так и не печатает",
        "спасибо большое",
        "ок, а когда починят VPN?",
        "👍 сломался монитор",
        "Не работает вход в 1С",
        "",
        "?!",
    ],
)
def test_a_pleasantry_inside_anything_else_is_a_request(text: str) -> None:
    assert not is_pleasantry(text, DEFAULT_PLEASANTRIES)


def test_the_list_is_configurable_and_phrases_of_several_words_count_whole() -> None:
    assert is_pleasantry("Thanks a lot!", ["thanks a lot", "ty"])
    assert not is_pleasantry("thanks", ["thanks a lot"])
    assert not is_pleasantry("спасибо", [])


def test_a_message_longer_than_any_pleasantry_is_a_request_whatever_it_repeats() -> None:
    assert is_pleasantry("👍" * LONGEST_PLEASANTRY)
    assert not is_pleasantry("👍" * (LONGEST_PLEASANTRY + 1))
    assert not is_pleasantry("спасибо " * 20_000)
