"""A signed-in Flask test client that fills in CSRF tokens like a browser would."""

from __future__ import annotations

import re

from engine.demo import DEMO_PASSWORD

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class WebClient:
    def __init__(self, app):
        self.client = app.test_client()
        self.token = None

    def _refresh_token(self, html: str) -> None:
        found = TOKEN.search(html)
        if found:
            self.token = found.group(1)

    def get(self, url: str, **kwargs):
        response = self.client.get(url, **kwargs)
        self._refresh_token(response.get_data(as_text=True))
        return response

    def post(self, url: str, data: dict | None = None, **kwargs):
        if self.token is None:
            self.get("/sign-in")
        response = self.client.post(url, data={"csrf_token": self.token, **(data or {})}, **kwargs)
        self._refresh_token(response.get_data(as_text=True))
        return response

    def sign_in(self, username: str, password: str = DEMO_PASSWORD):
        self.get("/sign-in")
        response = self.post("/sign-in", {"username": username, "password": password})
        assert response.status_code == 302, f"{username} could not sign in"
        return self

    def task_id(self, name: str, tab: str = "mine") -> int:
        html = self.get(f"/inbox?tab={tab}").get_data(as_text=True)
        found = re.search(
            r'href="/tasks/(\d+)">' + re.escape(name.replace("'", "&#39;")) + "<", html
        )
        assert found, f"no task '{name}' in the {tab} tab"
        return int(found.group(1))

    def version_of(self, task_id: int) -> str:
        html = self.get(f"/tasks/{task_id}").get_data(as_text=True)
        return re.search(r'name="version" value="(\d+)"', html).group(1)
