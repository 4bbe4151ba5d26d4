from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

KeyKind = Literal["publishable", "secret"]


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key that authenticated the request."""

    key_id: uuid.UUID
    kind: KeyKind
    name: str
    allowed_origins: tuple[str, ...]

    @property
    def is_secret(self) -> bool:
        return self.kind == "secret"


class ApiKeyOut(BaseModel):
    id: uuid.UUID
    name: str
    kind: KeyKind
    prefix: str
    allowed_origins: list[str]
    created_at: dt.datetime
    revoked_at: dt.datetime | None


class CreatedApiKey(ApiKeyOut):
    key: str
