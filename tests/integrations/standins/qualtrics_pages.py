"""A stand-in for the pages Qualtrics serves a respondent, with the survey's header in them.

As Qualtrics does: the header's piped text (``${e://Field/...}``) is filled in on the server
before the page is sent; ``Qualtrics.SurveyEngine`` offers ``addOnload``,
``addOnPageSubmit`` and ``setJSEmbeddedData`` (stored with the ``__js_`` prefix); every page
is a new page load, and *Next* runs the page-submit handlers before the next page loads.
"""

from __future__ import annotations

import html
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse

PIPED = re.compile(r"\$\{e://Field/([A-Za-z0-9_]+)\}")

ENGINE = """<script>
window.Qualtrics = {SurveyEngine: {
  submitHandlers: [],
  addOnload: function (fn) {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fn);
    else fn();
  },
  addOnPageSubmit: function (fn) { this.submitHandlers.push(fn); },
  setJSEmbeddedData: function (name, value) {
    fetch('/record/' + encodeURIComponent(RESPONSE_ID), {method: 'POST',
      headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({name: '__js_' + name, value: String(value)})});
  }
}};
function qualtricsNext(next) {
  Qualtrics.SurveyEngine.submitHandlers.forEach(function (fn) { fn(); });
  location.href = next;
}
</script>"""

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Survey</title>
<script>var RESPONSE_ID = {response_js};</script>
{engine}
{header}
</head><body>
<div class="QuestionOuter" id="QID{page}"><p>Question {page}</p>
<label><input type="radio" name="q{page}" value="1">Agree</label></div>
<button id="NextButton" onclick="qualtricsNext({next_js})">Next</button>
</body></html>"""


class SurveyPages:
    def __init__(self, survey_id: str, header: str, pages: int = 2) -> None:
        self.survey_id = survey_id
        self.header = header
        self.pages = pages
        self.embedded: dict[str, dict[str, str]] = {}
        self.app = self._build()

    def fields(self, response_id: str) -> dict[str, str]:
        return {
            "SurveyID": self.survey_id,
            "ResponseID": response_id,
            "botsieve_consent": "1",  # set by the flow's consent branch
            **self.embedded.get(response_id, {}),
        }

    def _page(self, response_id: str, page: int) -> str:
        fields = self.fields(response_id)
        header = PIPED.sub(lambda m: html.escape(fields.get(m.group(1), "")), self.header)
        nxt = (
            f"/jfe/form/{self.survey_id}?rid={response_id}&page={page + 1}"
            if page < self.pages
            else f"/done?rid={response_id}"
        )
        return (
            PAGE.replace("{response_js}", repr(response_id))
            .replace("{engine}", ENGINE)
            .replace("{header}", header)
            .replace("{page}", str(page))
            .replace("{next_js}", repr(nxt))
        )

    def _build(self) -> FastAPI:
        app = FastAPI()

        @app.get("/jfe/form/{survey_id}")
        async def form(survey_id: str, rid: str, page: int = 1) -> HTMLResponse:
            return HTMLResponse(self._page(rid, page))

        @app.get("/done")
        async def done(rid: str) -> HTMLResponse:
            return HTMLResponse("<!doctype html><p id='done'>Thank you.</p>")

        @app.post("/record/{response_id}")
        async def record(response_id: str, request: Request) -> JSONResponse:
            body: dict[str, Any] = await request.json()
            self.embedded.setdefault(response_id, {})[str(body["name"])] = str(body["value"])
            return JSONResponse({"ok": True})

        return app
