from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from pydantic import BaseModel, Field

from botsieve.kit.text import StorableText

Role = Literal["admin", "analyst", "viewer"]
# Each role may do everything the ones before it may.
ROLE_ORDER: tuple[Role, ...] = ("viewer", "analyst", "admin")
MIN_PASSWORD = 8


class UserOut(BaseModel):
    id: uuid.UUID
    email: str
    name: str
    role: Role
    is_active: bool
    created_at: dt.datetime
    last_login_at: dt.datetime | None


class UserCreate(BaseModel):
    email: StorableText = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
    name: StorableText = Field(default="", max_length=100)
    role: Role = "viewer"
    password: StorableText = Field(min_length=MIN_PASSWORD, max_length=256)


class UserUpdate(BaseModel):
    name: StorableText | None = Field(default=None, max_length=100)
    role: Role | None = None
    is_active: bool | None = None
    password: StorableText | None = Field(default=None, min_length=MIN_PASSWORD, max_length=256)


class LoginIn(BaseModel):
    # Storable: a NUL would reach the database in the lookup; a lone surrogate the hasher.
    email: StorableText = Field(min_length=1, max_length=254)
    password: StorableText = Field(min_length=1, max_length=256)


class Me(BaseModel):
    """Who is signed in; ``csrf_token`` goes back in ``X-CSRF-Token`` on every change."""

    user: UserOut | None
    role: Role
    via: Literal["login", "api_key"]
    csrf_token: str | None = None
