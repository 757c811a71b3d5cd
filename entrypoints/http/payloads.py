"""What the tolerant readers of every sender's webhook bodies share (`entrypoints.http.senders` tells who sent one)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

Id = Annotated[int, Field(ge=0, lt=2**63)]  # Pachca ids are 64-bit; anything else is not an id


class BadPayload(ValueError):
    """Authenticated, but not a body the bridge can read."""


class Tolerant(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


def first_problem(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or "body"
    # pydantic names its own model classes in some messages; a sender is told the JSON type instead
    shape = {"model_type": "should be an object", "dict_type": "should be an object"}.get(first.get("type", ""))
    return f"{where}: {shape or first.get('msg', 'invalid')}"
