"""The guides, followed literally: their blocks are read from the Markdown and run against the
service and the platform stand-ins (Qualtrics' survey flow, its Responses API and events)."""

from __future__ import annotations

import re
from typing import Any

import orjson

from botsieve.integrations import decipher_api, outbox
from tests.integrations.conftest import BASE, SURVEY, human_session
from tests.integrations.guides import DOCS, SERVICE, curl_json_body, one_block
from tests.integrations.standins.qualtrics import API_TOKEN, FORM, completed_event
from tests.integrations.standins.qualtrics_flow import SurveyFlow, parse_flow

PLANTED = {"botsieve_verdict": "human", "botsieve_status": "ok", "botsieve_score": "0.010"}


async def _create_from_guide(client, admin, base_url: str) -> dict[str, Any]:
    block = one_block("qualtrics.md", "sh", "/api/v1/integrations \\")
    body = orjson.loads(
        curl_json_body(block)
        .replace("https://fra1.qualtrics.com", base_url)
        .replace("YOUR_QUALTRICS_API_TOKEN", API_TOKEN)
    )
    reply = await client.post(BASE, json=body, headers=admin)
    assert reply.status_code == 201, reply.text
    created: dict[str, Any] = reply.json()
    assert created["integration"]["survey_id"] == SURVEY
    return created


def _flow(client, created: dict[str, Any], *, reachable: bool = True) -> SurveyFlow:
    text = one_block("qualtrics.md", "survey-flow").replace("bs_it_REPLACE_ME", created["token"])

    async def call(method: str, url: str, headers: dict[str, str], body: dict[str, str]):
        assert url.startswith(SERVICE) and method == "POST"
        if not reachable:
            return None
        reply = await client.post(url.removeprefix(SERVICE), json=body, headers=headers)
        return reply.json() if reply.status_code == 200 else None

    return SurveyFlow(parse_flow(text), call)


def _respondent(response_id: str, session_id: str = "") -> tuple[dict[str, str], dict[str, str]]:
    builtins = {"SurveyID": SURVEY, "ResponseID": response_id}
    if session_id:
        builtins["__js_botsieve_session"] = session_id
    return builtins, {"consent": "agree"}


async def test_a_link_parameter_cannot_plant_a_verdict_when_the_call_fails(
    client, admin, fake_qualtrics
):
    _, server = fake_qualtrics
    created = await _create_from_guide(client, admin, server.url)
    flow = _flow(client, created, reachable=False)
    run = await flow.take(PLANTED, *_respondent("R_planted"))
    assert run.fields["botsieve_verdict"] == "not_scored"
    assert run.fields["botsieve_status"] == "not_scored"
    assert run.fields["botsieve_score"] == ""
    assert run.outcome == "complete"  # fail open: through, and marked for review


async def test_branch_logic_sees_what_the_service_returned_for_this_response(
    client, admin, fake_qualtrics
):
    _, server = fake_qualtrics
    created = await _create_from_guide(client, admin, server.url)
    sid = await human_session(client, admin, "R_guided")
    run = await _flow(client, created).take(PLANTED, *_respondent("R_guided", sid))
    reply = run.calls[0]["reply"]
    assert run.calls[0]["body"] == {
        "survey_id": SURVEY,
        "response_id": "R_guided",
        "session_id": sid,
    }
    assert reply["status"] == "ok" and reply["response_id"] == "R_guided"
    for name, key in (("botsieve_verdict", "verdict"), ("botsieve_score", "score")):
        assert run.fields[name] == reply[key]
    assert run.outcome == ("screen out" if reply["verdict"] == "bot" else "complete")


async def test_a_session_id_borrowed_through_the_link_is_reused_not_ok(
    client, admin, fake_qualtrics
):
    _, server = fake_qualtrics
    created = await _create_from_guide(client, admin, server.url)
    sid = await human_session(client, admin, "R_clean")
    flow = _flow(client, created)
    first = await flow.take({}, *_respondent("R_clean", sid))
    assert first.fields["botsieve_status"] == "ok"
    # A bot pastes the clean session into its link: the declared field takes it.
    borrowed = await flow.take({"__js_botsieve_session": sid, **PLANTED}, *_respondent("R_bot"))
    assert borrowed.calls[0]["body"]["session_id"] == sid
    assert borrowed.fields["botsieve_status"] == "session_reused"
    assert borrowed.fields["botsieve_verdict"] == "unknown"


async def test_the_guided_survey_ends_with_the_verdict_in_the_data(
    app, client, admin, fake_qualtrics, outbound
):
    """Flow, then the completion event the guide's subscription produces, then write-back."""
    fake, server = fake_qualtrics
    created = await _create_from_guide(client, admin, server.url)
    sid = await human_session(client, admin, "R_full")
    run = await _flow(client, created).take({}, *_respondent("R_full", sid))
    fake.add_response(SURVEY, "R_full", {"duration": 200, "__js_botsieve_session": sid})
    subscription = orjson.loads(
        curl_json_body(one_block("qualtrics.md", "sh", "eventsubscriptions"))
    )
    assert subscription["topics"] == f"surveyengine.completedResponse.{SURVEY}"
    path = subscription["publicationUrl"].removeprefix(SERVICE)
    assert path.startswith("/api/v1/integrations/qualtrics/events/")
    body = completed_event(SURVEY, "R_full", created["shared_key"])
    assert (await client.post(created["event_path"], content=body, headers=FORM)).is_success
    assert (await client.get(created["event_path"])).json()["ok"] is True
    await outbox.run_once(app.state.botsieve, outbound)
    embedded = fake.writes[0][1]["embeddedData"]
    assert embedded["botsieve_status"] == "ok"
    assert embedded["botsieve_verdict"] == run.fields["botsieve_verdict"]
    # The reconciliation download, as the guide writes it.
    export = one_block("qualtrics.md", "sh", "/responses?format=csv")
    url = re.search(r'"(https://[^"]+)"', export).group(1)  # type: ignore[union-attr]
    table = (await client.get(url.removeprefix(SERVICE), headers=admin)).text.splitlines()
    assert table[0].startswith("response_id,") and table[1].startswith("R_full,")
    exclude = table[0].split(",").index("exclude")
    assert table[1].split(",")[exclude] == str(embedded["botsieve_verdict"] == "bot").lower()


# ---- Decipher: the guide's <exec> blocks, run as the survey would run them -----------------

DECIPHER_SURVEY = "selfserve/9d3/proj1234"


class Hidden:
    """A Decipher question's value holder (``hBotStatus.val``)."""

    def __init__(self, value: str = "") -> None:
        self.val = value


class Node:
    """What the ``api.1`` node leaves after its call: the HTTP status and, for JSON, ``r``."""

    def __init__(self, status: int, content_type: str, text: str) -> None:
        self.status = status
        self.text = text
        if content_type.startswith("application/json"):
            self.r = orjson.loads(text)


def _decipher_blocks(token: str) -> tuple[str, str, str]:
    import textwrap

    block = one_block("decipher.md", "xml", "decipher/score").replace("bs_it_REPLACE_ME", token)
    first, second = (textwrap.dedent(b) for b in re.findall(r"<exec>\n(.*?)</exec>", block, re.S))
    url = re.search(r'api:url="([^"]+)"', block).group(1)  # type: ignore[union-attr]
    return first, second, url


def _survey_namespace(respondent: str, planted: str = "") -> dict[str, Any]:
    class Survey:
        path = DECIPHER_SURVEY

    class Globals:
        survey = Survey()

    names = ("hBotStatus", "hBotScore", "hBotVerdict", "hBotRisk", "hBotFlags")
    return {"gv": Globals(), "uuid": respondent, **{n: Hidden(planted) for n in names}}


async def _decipher_run(client, token: str, respondent: str, *, as_json: bool, reply=None):
    first, second, url = _decipher_blocks(token)
    ns = _survey_namespace(respondent, planted="human")
    exec(first, ns)  # the survey's own Python
    data = ns["botsieve_call"]
    assert url.startswith(SERVICE)
    if reply is None:
        kwargs = {"json": data} if as_json else {"data": data}
        answer = await client.post(url.removeprefix(SERVICE), **kwargs)
        reply = Node(answer.status_code, answer.headers["content-type"], answer.text)
    ns["botsieve"] = reply
    exec(second, ns)
    return {name: ns[name].val for name in ("hBotStatus", "hBotVerdict", "hBotScore")}


async def test_decipher_exec_gets_a_verdict_found_by_uuid(client, admin):
    created_body = orjson.loads(curl_json_body(one_block("decipher.md", "sh", "integrations \\")))
    created = (await client.post(BASE, json=created_body, headers=admin)).json()
    await human_session(client, admin, "uuid-guided", survey_id=DECIPHER_SURVEY)
    for as_json in (False, True):
        seen = await _decipher_run(client, created["token"], "uuid-guided", as_json=as_json)
        assert seen["hBotStatus"] == "ok", seen
        assert seen["hBotVerdict"] in ("human", "bot")
    nobody = await _decipher_run(client, created["token"], "uuid-nobody", as_json=False)
    assert nobody["hBotStatus"] == "no_session" and nobody["hBotVerdict"] == "unknown"


async def test_decipher_exec_survives_error_pages_and_forgets_planted_values(client, admin):
    created_body = orjson.loads(curl_json_body(one_block("decipher.md", "sh", "integrations \\")))
    created = (await client.post(BASE, json=created_body, headers=admin)).json()
    failures = [
        Node(502, "text/html", "<html><body>Bad gateway</body></html>"),
        Node(200, "text/html", "<html>a captive portal</html>"),
        Node(200, "application/json", '{"status": "human"}'),
        Node(200, "application/json", "[1, 2]"),
    ]
    for node in failures:
        seen = await _decipher_run(client, created["token"], "u-x", as_json=True, reply=node)
        assert seen == {"hBotStatus": "not_scored", "hBotVerdict": "not_scored", "hBotScore": ""}
    wrong_token = await _decipher_run(client, "bs_it_wrong", "u-x", as_json=True)
    assert wrong_token["hBotStatus"] == "not_scored"


async def test_decipher_entry_exec_reads_only_a_decision_the_service_sent(client, admin):
    import textwrap

    created_body = orjson.loads(curl_json_body(one_block("decipher.md", "sh", "integrations \\")))
    created = (await client.post(BASE, json=created_body, headers=admin)).json()
    await human_session(client, admin, "uuid-entry", survey_id=DECIPHER_SURVEY)
    first, _, _ = _decipher_blocks(created["token"])
    block = one_block("decipher.md", "xml", "decipher/entry")
    url = re.search(r'api:url="([^"]+)"', block).group(1)  # type: ignore[union-attr]
    check = textwrap.dedent(re.findall(r"<exec>\n(.*?)</exec>", block, re.S)[0])
    ns = _survey_namespace("uuid-entry")
    ns["hBotEntry"] = Hidden("pass")  # a stale value must not survive
    exec(first, ns)
    answer = await client.post(url.removeprefix(SERVICE), data=ns["botsieve_call"])
    ns["botsieve_entry"] = Node(answer.status_code, answer.headers["content-type"], answer.text)
    exec(check, ns)
    assert ns["hBotEntry"].val == answer.json()["decision"]
    assert ns["hBotEntry"].val in ("block", "pass")
    ns["botsieve_entry"] = Node(504, "text/html", "<html>Gateway Timeout</html>")
    exec(check, ns)
    assert ns["hBotEntry"].val == "not_scored"


def test_the_decipher_guide_declares_every_variable_the_back_fill_writes():
    declared = set(
        re.findall(r'<text label="(\w+)" where="execute">', (DOCS / "decipher.md").read_text())
    )
    assert set(decipher_api.VARIABLES.values()) <= declared
