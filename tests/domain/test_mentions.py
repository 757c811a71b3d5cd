import pytest

from domain.text.mentions import Mention, MentionResolver, Resolution, Side, email_local_part_guess, find_mentions
from domain.text.pachca_text import QUIET

BOTH_SIDES = pytest.mark.parametrize("side", [Side.TRACKER, Side.PACHCA])


def handles(text: str, side: Side = Side.TRACKER) -> list[str]:
    return [mention.handle for mention in find_mentions(text, side)]


# What counts as a mention


def test_a_mention_has_its_handle_and_the_span_of_the_at_and_handle() -> None:
    text = "Коллеги, @ivan.petrov посмотрите"

    assert find_mentions(text, Side.TRACKER) == [Mention("ivan.petrov", 9, 21)]
    assert text[9:21] == "@ivan.petrov"


@BOTH_SIDES
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@ivan", ["ivan"]),
        ("спасибо, @ivan", ["ivan"]),
        ("@ivan\n@petr", ["ivan", "petr"]),
        ("первая строка\n@ivan_petrov вторая", ["ivan_petrov"]),
        ("Привет,@ivan", ["ivan"]),
        ("(@ivan)", ["ivan"]),
        ("«@ivan»", ["ivan"]),
        ("@ivan-petrov и @ivan.petrov и @ivan_petrov", ["ivan-petrov", "ivan.petrov", "ivan_petrov"]),
        ("@007agent", ["007agent"]),
        ("**@ivan** и _курсив_ @petr_", ["ivan", "petr_"]),
    ],
)
def test_finds_mentions_at_the_edges_and_among_cyrillic_text(side: Side, text: str, expected: list[str]) -> None:
    assert handles(text, side) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@ivan.petrov.", "ivan.petrov"),
        ("@ivan,", "ivan"),
        ("@ivan-", "ivan"),
        ("@ivan.petrov:", "ivan.petrov"),
        ("@ivan!", "ivan"),
        ("@ivan?!", "ivan"),
        ("@ivan...", "ivan"),
        ("@ivan.petrov;", "ivan.petrov"),
    ],
)
def test_trailing_punctuation_is_not_part_of_the_handle(text: str, expected: str) -> None:
    assert handles(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "user@example.com",
        "пишите на ivan@bnovo.ru",
        "почта: @ivan@bnovo.ru",
        "mailto:ivan.petrov@bnovo.ru",
        "ivanов@petrov",  # a Cyrillic letter glued to the '@'
        "Привет@ivan",
        "a.@ivan",
        "a-@ivan",
        "_@ivan",
        "@ivanпривет",  # the handle runs on into Cyrillic: not a handle
        "@.ivan",
        "@-ivan",
        "@_ivan",
        "@ ivan",
        "@",
    ],
)
def test_is_not_a_mention(text: str) -> None:
    assert handles(text) == []


@BOTH_SIDES
@pytest.mark.parametrize("word", ["all", "here", "ALL", "Here"])
def test_reserved_pachca_words_are_never_mentions(side: Side, word: str) -> None:
    assert handles(f"@{word}, посмотрите, @ivan", side) == ["ivan"]


# Where mentions are never looked for


@pytest.mark.parametrize(
    "text",
    [
        "выполните `ssh @ivan` на сервере",
        "двойные ``код с ` и @ivan`` кавычки",
        "```\ngit blame @ivan\n```",
        "```python\ndecorated = @ivan\n```",
        "```bash\nunclosed @ivan",
        "```inline @ivan```",
        "[@ivan](https://example.com)",
        "[профиль](https://example.com/@ivan)",
        "![@ivan](https://example.com/a.png)",
        "https://staff.example.com/@ivan",
        "см. http://user:pass@ivan.example.com/x",
        "www.example.com/@ivan",
    ],
)
def test_no_mentions_in_code_links_or_urls(text: str) -> None:
    assert handles(text) == []


def test_mentions_around_code_and_links_are_still_found() -> None:
    text = "@ivan, смотри `@code`, [@link](https://x.ru/@url) и ```\n@fenced\n```\n@petr"

    assert handles(text) == ["ivan", "petr"]


def test_a_mention_right_after_a_link_or_code_span_is_found() -> None:
    assert handles("[ссылка](https://x.ru)@ivan `код`@petr") == ["ivan", "petr"]


# Handles to look up


@BOTH_SIDES
def test_handles_are_unique_regardless_of_case_as_first_written(side: Side) -> None:
    text = "@Ivan.Petrov, @petr и снова @ivan.petrov, @PETR"

    assert MentionResolver.handles(text, side) == ["Ivan.Petrov", "petr"]


def test_handles_of_a_text_without_mentions_is_empty() -> None:
    assert MentionResolver.handles("просто текст, без упоминаний", Side.PACHCA) == []


# Resolving


def test_rewrites_a_tracker_login_to_a_pachca_nickname_and_notifies() -> None:
    text = "Коллеги, @ivan.petrov посмотрите"

    resolution = MentionResolver.resolve(text, Side.TRACKER, {"ivan.petrov": "ivan_petrov"})

    assert resolution == Resolution("Коллеги, @ivan_petrov посмотрите", ("ivan_petrov",))


def test_rewrites_a_pachca_nickname_to_a_tracker_login_to_summon() -> None:
    resolution = MentionResolver.resolve("@ivan_petrov, глянь", Side.PACHCA, {"ivan_petrov": "ivan.petrov"})

    assert resolution == Resolution("@ivan.petrov, глянь", ("ivan.petrov",))


def test_an_unresolved_mention_is_left_as_written_and_not_notified() -> None:
    text = "@Ghost.User и @ivan."

    resolution = MentionResolver.resolve(text, Side.TRACKER, {"ghost.user": None, "ivan": "ivan_p"})

    assert resolution == Resolution(f"@{QUIET}Ghost.User и @ivan_p.", ("ivan_p",))  # as written, notifying nobody


def test_a_mention_missing_from_the_lookup_is_left_as_written() -> None:
    assert MentionResolver.resolve("@ivan", Side.PACHCA, {}) == Resolution("@ivan", ())


def test_a_prefix_login_and_the_longer_login_resolve_independently() -> None:
    text = "@ivan, @ivanov и @ivan.petrov"
    found = {"ivan": "i", "ivanov": "ivanov_pachca", "ivan.petrov": None}

    resolution = MentionResolver.resolve(text, Side.TRACKER, found)

    assert resolution == Resolution(f"@i, @ivanov_pachca и @{QUIET}ivan.petrov", ("i", "ivanov_pachca"))


def test_a_replacement_longer_or_shorter_than_the_original_keeps_the_rest_intact() -> None:
    text = "@a и @bb, затем @a\n@ccc"
    found = {"a": "aaaaaaaa", "bb": "b", "ccc": "c"}

    assert MentionResolver.resolve(text, Side.PACHCA, found).text == "@aaaaaaaa и @b, затем @aaaaaaaa\n@c"


def test_the_same_person_mentioned_several_times_is_notified_once() -> None:
    text = "@ivan, @petr, @Ivan, @IVAN"

    resolution = MentionResolver.resolve(text, Side.PACHCA, {"ivan": "ivan.petrov", "petr": "petr"})

    assert resolution.text == "@ivan.petrov, @petr, @ivan.petrov, @ivan.petrov"
    assert resolution.notify == ("ivan.petrov", "petr")


def test_two_handles_of_one_person_notify_once() -> None:
    found = {"ivan": "ivan.petrov", "ivan_petrov": "ivan.petrov"}

    resolution = MentionResolver.resolve("@ivan и @ivan_petrov", Side.PACHCA, found)

    assert resolution.notify == ("ivan.petrov",)


def test_lookup_keys_are_case_insensitive() -> None:
    resolution = MentionResolver.resolve("@Ivan.Petrov", Side.TRACKER, {"IVAN.PETROV": "ivan_petrov"})

    assert resolution == Resolution("@ivan_petrov", ("ivan_petrov",))


def test_a_conflicting_none_for_the_same_handle_in_another_case_does_not_hide_a_match() -> None:
    resolution = MentionResolver.resolve("@ivan", Side.TRACKER, {"Ivan": None, "ivan": "ivan_p"})

    assert resolution.notify == ("ivan_p",)


def test_notify_follows_the_order_of_first_appearance() -> None:
    found = {"c": "3", "a": "1", "b": "2"}

    assert MentionResolver.resolve("@b @a @c @b", Side.PACHCA, found).notify == ("2", "1", "3")


def test_mentions_in_code_links_and_e_mails_are_never_rewritten() -> None:
    text = "@ivan: `@ivan`, [@ivan](https://x.ru/@ivan), ivan@bnovo.ru\n```\n@ivan\n```"

    resolution = MentionResolver.resolve(text, Side.TRACKER, {"ivan": "ivan_p"})

    assert resolution.text == "@ivan_p: `@ivan`, [@ivan](https://x.ru/@ivan), ivan@bnovo.ru\n```\n@ivan\n```"
    assert resolution.notify == ("ivan_p",)


def test_reserved_words_are_kept_even_when_the_lookup_has_them() -> None:
    resolution = MentionResolver.resolve("@all @here", Side.PACHCA, {"all": "someone", "here": "someone"})

    assert resolution == Resolution("@all @here", ())


def test_a_text_without_mentions_comes_back_unchanged() -> None:
    text = "Без упоминаний: user@example.com, `@code`"

    assert MentionResolver.resolve(text, Side.TRACKER, {"example": "x", "code": "y"}) == Resolution(text, ())


def test_the_empty_text() -> None:
    assert MentionResolver.resolve("", Side.PACHCA, {}) == Resolution("", ())


# The last-resort e-mail guess


@pytest.mark.parametrize(
    ("login", "domain", "expected"),
    [
        ("ivan.petrov", "bnovo.ru", "ivan.petrov@bnovo.ru"),
        ("Ivan.Petrov", "BNOVO.ru", "ivan.petrov@bnovo.ru"),
        (" ivan ", " @bnovo.ru ", "ivan@bnovo.ru"),
    ],
)
def test_email_guess_is_login_at_domain_in_lower_case(login: str, domain: str, expected: str) -> None:
    assert email_local_part_guess(login, domain) == expected


@pytest.mark.parametrize(("login", "domain"), [("", "bnovo.ru"), ("ivan", ""), ("ivan", "  ")])
def test_email_guess_needs_a_login_and_a_domain(login: str, domain: str) -> None:
    with pytest.raises(ValueError):
        email_local_part_guess(login, domain)
