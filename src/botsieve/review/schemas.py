from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel

Label = Literal["human", "bot"]


class LabelIn(BaseModel):
    label: Label | None  # null clears it


class LabelOut(BaseModel):
    session_id: uuid.UUID
    label: Label | None
