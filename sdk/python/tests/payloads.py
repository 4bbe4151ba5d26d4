"""Answers as the service gives them (copied from a live run), for the mock transport."""

from __future__ import annotations

from typing import Any

SESSION_ID = "e0402343-8806-436b-b0ea-088ec6c25d95"

SESSION_CREATED = {
    "session_id": SESSION_ID,
    "token": "G_jb31S_xQnarySlir8mB3Kli62R3D4o",
    "expires_at": "2026-11-29T08:31:22.477175Z",
    "status": "active",
}

EVENTS_ACCEPTED = {"accepted": 2, "duplicate": False, "event_count": 2}

ANALYSIS = {
    "session_id": SESSION_ID,
    "is_bot": False,
    "bot_probability": 0.002,
    "confidence_score": 0.998,
    "risk_level": "low",
    "method_scores": {
        "tempo": {
            "score": 0.0014,
            "weight": 0.6532,
            "reasons": [
                {"code": "tempo_first_action_log_s:low", "text": "At once.", "value": 0.2231}
            ],
        }
    },
    "analysis_summary": "Behaves like a person (bot probability 0%).",
    "quality_flags": [],
    "model_version": "lr1-b6da6a011b",
    "event_count": 2,
    "processing_time_ms": 0.92,
    "created_at": "2026-11-28T08:31:22.503728Z",
}

STATUS = {
    "session_id": SESSION_ID,
    "status": "completed",
    "platform": "web",
    "survey_id": "SV_demo",
    "respondent_id": "R_1",
    "is_completed": True,
    "created_at": "2026-11-28T08:31:22.477175Z",
    "updated_at": "2026-11-28T08:31:22.506511Z",
    "expires_at": "2026-11-29T08:31:22.477175Z",
    "event_count": 2,
    "verdict": {
        "is_bot": False,
        "bot_probability": 0.002,
        "risk_level": "low",
        "analyzed_at": "2026-11-28T08:31:22.503728Z",
    },
    "label": None,
}


def row(session_id: str, survey_id: str = "SV_demo") -> dict[str, Any]:
    return {
        "session_id": session_id,
        "created_at": "2026-11-28T08:31:22.477175Z",
        "survey_id": survey_id,
        "platform": "web",
        "respondent_id": None,
        "status": "active",
        "event_count": 0,
        "is_bot": None,
        "bot_probability": None,
        "risk_level": None,
        "label": None,
    }


def error(code: str, message: str, request_id: str = "req-0123456789") -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": [], "request_id": request_id}}
