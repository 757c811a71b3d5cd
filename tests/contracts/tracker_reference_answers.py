"""Answers exactly as Yandex Tracker's API reference prints them, for the adapter tests.

Origin: the Tracker API reference, rendered at https://yandex.ru/support/tracker/en/ from the sources in
github.com/yandex-cloud/docs (`en/tracker/…`). Only the `{{ host }}` placeholder is filled in, with the public API
host; placeholders such as `<user_login>` are kept where they do not break the JSON. Each answer is shown in the
reference as a JSON array of one element, although clients (and Tracker in practice) give the object itself: the
bridge reads both (docs/tracker.md, «Answers as lists»).
"""

from __future__ import annotations

from typing import Any

HOST = "https://api.tracker.yandex.net"

# «Get information about the current user», `GET /v2/myself` (en/tracker/get-user-info.md, «Response format»).
# The reference's `"trackerUid": 1234567890>,` has a stray `>`, which is not JSON: it is left out here.
MYSELF: list[dict[str, Any]] = [
    {
        "self": f"{HOST}/v2/users/1234567890",
        "uid": 1234567890,
        "login": "<user_login>",
        "trackerUid": 1234567890,
        "passportUid": 1234567890,
        "firstName": "<First name>",
        "lastName": "<Last name>",
        "display": "<First and Last name>",
        "email": "<login@yandex.ru>",
        "external": False,
        "hasLicense": True,
        "dismissed": False,
        "useNewFilters": True,
        "disableNotifications": False,
    }
]

# «Add comment», `POST /v2/issues/<issue-id>/comments`, answer `201` (en/tracker/concepts/issues/add-comment.md,
# «Response format»). The sample spells `createBody`/`updateBody` where its parameter table says
# `createdBy`/`updatedBy`; the bridge reads only `id` from this answer.
ADDED_COMMENT: list[dict[str, Any]] = [
    {
        "self": f"{HOST}/v2/issues/TREK-1/comments/626",
        "id": 626,
        "longId": "5fa15a24ac894475dd14ff07",
        "text": "<comment text>",
        "createBody": {"self": f"{HOST}/v2/users/1120000000016876", "id": "<user ID>", "display": "<user's name"},
        "updateBody": {"self": f"{HOST}/v2/users/1120000000016876", "id": "<user ID>", "display": "<user's name"},
        "createdAt": "2020-11-03T13:24:52.575+0000",
        "updatedAt": "2020-11-03T13:24:52.575+0000",
        "summonees": [{"self": f"{HOST}/v2/users/1120000000016576", "id": "<user ID>", "display": "<user's name"}],
        "maillistSummonees": [
            {
                "self": f"{HOST}/v2/maillists/usertest@test.ru",
                "id": "<mailing list address>",
                "display": "<mailing list name displayed>",
            }
        ],
        "version": 1,
        "type": "standard",
        "transport": "internal",
    }
]

# «Trigger condition objects», section «Comment Text» (en/tracker/concepts/queues/change-trigger-conditions.md): the
# table names the field `word`, the example writes `words`. Both spellings of the same condition:
NONE_MATCH_AS_IN_THE_EXAMPLE = {
    "type": "CommentNoneMatchCondition",
    "words": ["Version 0.1", "Version 0.2"],
    "ignoreCase": True,
    "removeMarkup": True,
    "noMatchBefore": False,
}
NONE_MATCH_AS_IN_THE_TABLE = {
    "type": "CommentNoneMatchCondition",
    "word": ["Version 0.1", "Version 0.2"],
    "ignoreCase": True,
    "removeMarkup": True,
    "noMatchBefore": False,
}
