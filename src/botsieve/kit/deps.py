"""Dependencies every domain uses, declared once as short ``Annotated`` aliases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.kit.db import transaction
from botsieve.kit.state import AppState


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.botsieve
    return state


async def get_db(request: Request) -> AsyncIterator[AsyncSession]:
    async with transaction(get_state(request).sessionmaker) as session:
        yield session


StateDep = Annotated[AppState, Depends(get_state)]
# "function" scope: the transaction commits before the response is sent, so an acknowledgement
# always means the data is stored.
DbDep = Annotated[AsyncSession, Depends(get_db, scope="function")]
