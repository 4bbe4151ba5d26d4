"""Dependencies every domain uses, declared once as short ``Annotated`` aliases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.kit.db import transaction
from botsieve.kit.state import AppState


async def get_state(request: Request) -> AppState:
    # async on purpose: FastAPI runs plain-def dependencies in a thread pool, a hop per request.
    state: AppState = request.app.state.botsieve
    return state


async def get_db(request: Request) -> AsyncIterator[AsyncSession]:
    async with transaction(request.app.state.botsieve.sessionmaker) as session:
        yield session


StateDep = Annotated[AppState, Depends(get_state)]
# "function" scope: the transaction commits before the response is sent, so an acknowledgement
# always means the data is stored.
DbDep = Annotated[AsyncSession, Depends(get_db, scope="function")]
