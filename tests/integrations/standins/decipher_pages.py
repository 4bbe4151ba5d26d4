"""A stand-in for the pages Decipher serves a respondent, with ``respview.client.js`` in them.

As Decipher does: the block's ``${...}`` expressions (``gv.survey.path``, ``uuid``) are filled in
on the server; each page is a form whose *Continue* submits it and loads the next page.
"""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Survey</title>
{client}
</head><body>
<form method="GET" action="{action}">
<input type="hidden" name="uuid" value="{uuid}"><input type="hidden" name="page" value="{next}">
<div class="question" id="question_q{page}"><p>Question {page}</p></div>
<button id="btn_continue" type="submit">Continue</button>
</form></body></html>"""


def client_html(style_block: str) -> str:
    """What a ``<style name="respview.client.js">`` block puts into every page."""
    found = CDATA.search(style_block)
    assert found, "the respview.client.js block has no CDATA"
    return found.group(1)


class DecipherPages:
    def __init__(self, survey_path: str, client: str = "", pages: int = 2) -> None:
        self.survey_path = survey_path
        self.client = client
        self.pages = pages
        self.app = self._build()

    def _page(self, uuid: str, page: int) -> str:
        client = self.client.replace("${gv.survey.path}", self.survey_path).replace("${uuid}", uuid)
        action = f"/survey/{self.survey_path}" if page < self.pages else "/done"
        return (
            PAGE.replace("{client}", client)
            .replace("{action}", action)
            .replace("{uuid}", uuid)
            .replace("{next}", str(page + 1))
            .replace("{page}", str(page))
        )

    def _build(self) -> FastAPI:
        app = FastAPI()

        @app.get("/survey/{path:path}")
        async def page(path: str, uuid: str, page: int = 1) -> HTMLResponse:
            return HTMLResponse(self._page(uuid, page))

        @app.get("/done")
        async def done() -> HTMLResponse:
            return HTMLResponse("<!doctype html><p id='done'>Thank you.</p>")

        return app
