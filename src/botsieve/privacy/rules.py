"""What happens to each table on a deletion request and at the end of the retention.

Every table the models declare is listed here; a test fails when a new one is not, so whoever
adds a table decides (and writes down) how a respondent's data leaves it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TableRule:
    erasure: str
    retention: str


RESPONDENT_DATA = {
    "sessions": TableRule(
        erasure="deleted by id, or by survey and respondent id",
        retention="deleted once expired for longer than the retention",
    ),
    "event_batches": TableRule(
        erasure="cascades from the session", retention="cascades from the session"
    ),
    "behavior_data": TableRule(
        erasure="cascades from the session", retention="cascades from the session"
    ),
    "detection_results": TableRule(
        erasure="cascades from the session (analyses, with the label kept on the session)",
        retention="cascades from the session",
    ),
    "idempotency_keys": TableRule(
        erasure="cascades from the session", retention="cascades from the session"
    ),
    "integration_responses": TableRule(
        erasure="deleted by the session they scored, or by integration and response id",
        retention="deleted once scored longer ago than the retention, or with their session",
    ),
    "integration_outbox": TableRule(
        erasure="jobs and webhook deliveries naming the session or the response are deleted",
        retention="deleted once queued longer ago than the retention",
    ),
    "integration_session_bindings": TableRule(
        erasure="deleted with the session (which response it was bound to)",
        retention="deleted once older than the retention, or with their expired session",
    ),
    "review_events": TableRule(
        erasure="cascades from the session (who decided what, and the analyst's note)",
        retention="cascades from the session",
    ),
}

NO_RESPONDENT_DATA = {
    "api_keys": TableRule(
        erasure="holds no respondent data", retention="kept until revoked and deleted"
    ),
    "integrations": TableRule(
        erasure="holds no respondent data (one row per survey)", retention="kept"
    ),
    "webhook_endpoints": TableRule(erasure="holds no respondent data", retention="kept"),
    "hourly_rollups": TableRule(
        erasure="counts per survey and hour, no row names a respondent", retention="kept"
    ),
    "users": TableRule(erasure="dashboard users, not respondents", retention="kept"),
    "dashboard_settings": TableRule(erasure="holds no respondent data", retention="kept"),
    "decision_rules": TableRule(
        erasure="a threshold per survey, no respondent data", retention="kept"
    ),
    "decision_basis": TableRule(
        erasure="the model threshold decisions follow, no respondent data", retention="kept"
    ),
    "periodic_leases": TableRule(
        erasure="which instance runs periodic work, no respondent data", retention="kept"
    ),
    "integration_refusals": TableRule(
        erasure="when and why a platform post was refused, never its body",
        retention="deleted once older than the retention",
    ),
    "deletion_audit": TableRule(
        erasure="counts and a keyed digest of the subject, never its data",
        retention="kept, as the proof that deletions happened",
    ),
}

TABLE_RULES = {**RESPONDENT_DATA, **NO_RESPONDENT_DATA}
