from __future__ import annotations

import uuid

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.models import DetectionResult, Session


class AnalysisRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def add(self, result: DetectionResult) -> DetectionResult:
        self.db.add(result)
        await self.db.flush()
        return result

    async def history(self, session_id: uuid.UUID, limit: int = 50) -> list[DetectionResult]:
        rows = await self.db.scalars(
            select(DetectionResult)
            .where(DetectionResult.session_id == session_id)
            .order_by(DetectionResult.id.desc())
            .limit(limit)
        )
        return list(rows)

    async def latest(self, session_id: uuid.UUID) -> DetectionResult | None:
        rows = await self.history(session_id, limit=1)
        return rows[0] if rows else None

    async def set_verdict(
        self,
        session: Session,
        result: DetectionResult,
        decision: str,
        signature: bytes | None,
        strokes: bytes | None = None,
    ) -> None:
        await self.db.execute(
            update(Session)
            .where(Session.id == session.id)
            .values(
                is_bot=decision == "exclude",
                verdict=result.verdict,
                decision=decision,
                bot_probability=result.bot_probability,
                risk_level=result.risk_level,
                quality_flags=" ".join(result.quality_flags or ()),
                analyzed_at=result.created_at,
                trajectory_signature=signature,
                stroke_signatures=strokes,
            )
        )

    async def recent_signatures(
        self, session: Session, limit: int
    ) -> list[tuple[bytes | None, bytes | None]]:
        """(path signature, stroke signatures) of the survey's latest other analysed sessions
        (for replay and stroke-library detection)."""
        rows = await self.db.execute(
            select(Session.trajectory_signature, Session.stroke_signatures)
            .where(
                Session.survey_id == session.survey_id,
                Session.id != session.id,
                or_(
                    Session.trajectory_signature.is_not(None),
                    Session.stroke_signatures.is_not(None),
                ),
            )
            .order_by(Session.created_at.desc())
            .limit(limit)
        )
        return [
            (None if path is None else bytes(path), None if strokes is None else bytes(strokes))
            for path, strokes in rows
        ]

    async def sessions_sharing(self, session: Session) -> tuple[int, int]:
        """Other sessions of the survey with this session's device signature and IP hash."""
        counts = []
        for column, value in (
            (Session.device_signature, session.device_signature),
            (Session.ip_hash, session.ip_hash),
        ):
            if value is None:
                counts.append(0)
                continue
            counts.append(
                int(
                    await self.db.scalar(
                        select(func.count()).where(
                            Session.survey_id == session.survey_id,
                            column == value,
                            Session.id != session.id,
                        )
                    )
                    or 0
                )
            )
        return counts[0], counts[1]
