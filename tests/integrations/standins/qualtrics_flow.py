"""A stand-in for Qualtrics' survey flow, as its documentation describes the parts we use.

- An **Embedded Data** element declares fields. A field declared without a value takes the
  value from the survey link's query string (``?field=value``), if any; a field given a value
  in the element is assigned that value when the respondent passes the element.
- **Web Service** calls a URL with the body parameters (piped text resolved) and the custom
  headers, then sets Embedded Data from the reply's fields. When the call fails or times out,
  the survey continues and the fields keep the values they had.
- **Branch** runs its children when its condition holds (here: ``Is Equal to``).
- **End of Survey** ends the flow where it stands.

The flow is read from a guide's ``survey-flow`` block: one element per line, children
indented by four spaces, settings as ``name = value`` pairs separated by ``;``.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

PIPED = re.compile(r"\$\{e://Field/([A-Za-z0-9_]+)\}")
CONDITION = re.compile(r"^If (\S+) Is Equal to (.*)$")

Caller = Callable[[str, str, dict[str, str], dict[str, str]], Awaitable[dict[str, Any] | None]]


@dataclass
class Element:
    kind: str
    text: str
    children: list[Element] = field(default_factory=list)


def parse_flow(block: str) -> list[Element]:
    root: list[Element] = []
    stack: list[tuple[int, list[Element]]] = [(-1, root)]
    for line in block.splitlines():
        if not line.strip():
            continue
        depth = (len(line) - len(line.lstrip(" "))) // 4
        kind, _, text = line.strip().partition(": ")
        while stack[-1][0] >= depth:
            stack.pop()
        element = Element(kind.strip(), text.strip())
        stack[-1][1].append(element)
        stack.append((depth, element.children))
    return root


def pairs(text: str) -> list[tuple[str, str | None]]:
    """``a; b = 1; c =`` -> [("a", None), ("b", "1"), ("c", "")]."""
    out: list[tuple[str, str | None]] = []
    for item in text.split(";"):
        name, eq, value = item.strip().partition("=")
        out.append((name.strip(), value.strip() if eq else None))
    return out


@dataclass
class Run:
    fields: dict[str, str]
    outcome: str | None = None
    calls: list[dict[str, Any]] = field(default_factory=list)


class SurveyFlow:
    def __init__(self, elements: list[Element], call: Caller) -> None:
        self.elements = elements
        self.call = call

    async def take(
        self, link_params: dict[str, str], builtins: dict[str, str], answers: dict[str, str]
    ) -> Run:
        run = Run(fields=dict(builtins))
        self.link, self.answers = link_params, answers
        await self._elements(self.elements, run)
        return run

    def _pipe(self, text: str, run: Run) -> str:
        return PIPED.sub(lambda m: run.fields.get(m.group(1), ""), text)

    async def _elements(self, elements: list[Element], run: Run) -> bool:
        """Run elements in order; True when an End of Survey was reached."""
        for element in elements:
            if element.kind == "Embedded Data":
                for name, value in pairs(element.text):
                    if value is None:
                        if name in self.link:
                            run.fields[name] = self.link[name]
                        else:
                            run.fields.setdefault(name, "")
                    else:
                        run.fields[name] = value
            elif element.kind == "Web Service":
                await self._web_service(element, run)
            elif element.kind == "Branch":
                match = CONDITION.match(element.text)
                assert match, f"unsupported condition {element.text!r}"
                name, wanted = match.groups()
                seen = self.answers.get(name, run.fields.get(name, ""))
                if seen == wanted.strip() and await self._elements(element.children, run):
                    return True
            elif element.kind == "End of Survey":
                run.outcome = element.text
                return True
        return False

    async def _web_service(self, element: Element, run: Run) -> None:
        method, _, url = element.text.partition(" ")
        body: dict[str, str] = {}
        headers: dict[str, str] = {}
        mapping: list[tuple[str, str]] = []
        for setting in element.children:
            items = pairs(setting.text)
            if setting.kind.startswith("Body"):
                body = {k: self._pipe(v or "", run) for k, v in items}
            elif setting.kind == "Header":
                headers = {k: self._pipe(v or "", run) for k, v in items}
            elif setting.kind == "Set Embedded Data":
                mapping = [(k, v or "") for k, v in items]
        reply = await self.call(method, url, headers, body)
        run.calls.append({"url": url, "body": body, "reply": reply})
        if reply is None:  # failed or timed out: Qualtrics continues, fields unchanged
            return
        for name, key in mapping:
            if key in reply:
                run.fields[name] = str(reply[key])
