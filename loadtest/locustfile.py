"""The Locust scenario `make load` runs (loadtest/run.py starts it headless).

Viewers browse the register and contract pages and download a contract's PDF.
Editors open a contract, and one of its yearly values, in admin and save it
with a unique marker in its note (``internal_notes`` for the contract,
``note`` for the value); each save the server acknowledges with a 302 redirect
is written to the writes file, for run.py to look up in the database after.
Every request is also logged (time, page, status) to the requests file.

Environment (set by run.py): LOAD_VIEWER / LOAD_EDITORS (user names),
LOAD_PASSWORD, LOAD_CONTRACTS (reference:contract id:value id,…), LOAD_LOG_DIR.
"""

import itertools
import json
import os
import random
import re
import threading
import time
import uuid
from html.parser import HTMLParser
from pathlib import Path

from locust import HttpUser, between, events, task

LOG_DIR = Path(os.environ.get("LOAD_LOG_DIR", "."))
PASSWORD = os.environ.get("LOAD_PASSWORD", "")
VIEWER = os.environ.get("LOAD_VIEWER", "")
EDITORS = itertools.cycle(os.environ.get("LOAD_EDITORS", "").split(","))
CONTRACTS = [
    tuple(item.split(":")) for item in os.environ.get("LOAD_CONTRACTS", "").split(",") if item
]
EDITOR_CONTRACTS = itertools.cycle(CONTRACTS)
_lock = threading.Lock()
_requests = None
_writes = None


def _open_logs():
    global _requests, _writes
    if _requests is None:
        _requests = (LOG_DIR / "requests.jsonl").open("a", buffering=1)
        _writes = (LOG_DIR / "writes.jsonl").open("a", buffering=1)


@events.request.add_listener
def log_request(request_type, name, response_time, response_length, response, exception, **_):
    status = getattr(response, "status_code", None)
    with _lock:
        _open_logs()
        _requests.write(
            json.dumps(
                {
                    "at": time.time(),
                    "page": name,
                    "ms": response_time,
                    "status": status or 0,
                    "error": type(exception).__name__ if exception and not status else None,
                }
            )
            + "\n"
        )


def record_write(kind, object_id, marker, status):
    with _lock:
        _open_logs()
        _writes.write(
            json.dumps(
                {
                    "at": time.time(),
                    "kind": kind,
                    "id": object_id,
                    "marker": marker,
                    "status": status,
                }
            )
            + "\n"
        )


class FormFields(HTMLParser):
    """The fields of the form with id ``form_id`` as a browser would submit them."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.fields = form_id, False, []
        self._select = self._textarea = None
        self._options = []

    def handle_starttag(self, tag, attributes):
        attributes = dict(attributes)
        if tag == "form":
            self.inside = attributes.get("id") == self.form_id
        if not self.inside:
            return
        name = attributes.get("name")
        if tag == "input" and name and "disabled" not in attributes:
            kind = attributes.get("type", "text")
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            self.fields.append((name, attributes.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select is not None and "selected" in attributes:
            self._options.append(attributes.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self._select is not None:
            self.fields.extend((self._select, value) for value in self._options)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self.fields.append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None


def form_fields(html, form_id):
    parser = FormFields(form_id)
    parser.feed(html)
    return parser.fields


def sign_in(user, username):
    page = user.client.get("/accounts/login/", name="sign in")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text or "")
    if not token:
        return False
    response = user.client.post(
        "/accounts/login/",
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": user.host + "/accounts/login/"},
        name="sign in",
        allow_redirects=False,
    )
    return response.status_code == 302


class Viewer(HttpUser):
    weight = 4
    wait_time = between(0.5, 2)

    def on_start(self):
        self.signed_in = sign_in(self, VIEWER)

    @task(3)
    def register(self):
        if not self.signed_in:
            self.signed_in = sign_in(self, VIEWER)
        self.client.get("/contracts/", name="register")

    @task(3)
    def contract(self):
        reference = random.choice(CONTRACTS)[0]
        self.client.get(f"/contracts/{reference}/", name="contract page")

    @task(2)
    def pdf(self):
        reference = random.choice(CONTRACTS)[0]
        self.client.get(f"/contracts/{reference}/summary.pdf", name="contract PDF")


class Editor(HttpUser):
    weight = 1
    wait_time = between(1, 3)

    def on_start(self):
        self.username = next(EDITORS)
        # Each editor keeps to one contract, so two editors rarely refuse each other.
        self.reference, self.contract_id, self.value_id = next(EDITOR_CONTRACTS)
        self.signed_in = sign_in(self, self.username)

    def save(self, kind, url, form_id, field, label):
        if not self.signed_in:
            self.signed_in = sign_in(self, self.username)
        page = self.client.get(url, name=f"{label} (open)")
        if page.status_code != 200:
            return
        fields = [(name, value) for name, value in form_fields(page.text, form_id) if name != field]
        marker = f"load-{uuid.uuid4().hex}"
        fields += [(field, marker), ("_save", "Save")]
        response = self.client.post(
            url,
            data=fields,
            headers={"Referer": self.host + url},
            name=f"{label} (save)",
            allow_redirects=False,
        )
        record_write(kind, page.url.rstrip("/").split("/")[-2], marker, response.status_code)

    @task(2)
    def save_contract(self):
        self.save(
            "contract",
            f"/admin/contracts/contract/{self.contract_id}/change/",
            "contract_form",
            "internal_notes",
            "admin contract",
        )

    @task(2)
    def save_value(self):
        self.save(
            "value",
            f"/admin/contracts/contractvalue/{self.value_id}/change/",
            "contractvalue_form",
            "note",
            "admin value",
        )
