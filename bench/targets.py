"""How an HTTP client places one order: pluggable, so the bench follows the app's front doors.

`api` (the default) posts JSON to the order-intake API (POST /api/v1/orders/) as an
integration does: customer code, warehouse code, SKUs and quantities, an external id of
its own, `submit`, an Idempotency-Key header, and the bench channel's API key.
`form` posts the order entry form (create + submit in one POST, as a sales user does).
Each target takes the customer and warehouse by id and by code, the lines as
(product id, SKU, quantity) and a request id unique per order, uses what its front door
needs, and returns True when the order was accepted.
"""

import http.client
import json
import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode


class Session:
    """A keep-alive HTTP/1.1 connection with a cookie jar (the stdlib is enough)."""

    def __init__(self, host: str, port: int) -> None:
        self.connection = http.client.HTTPConnection(host, port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.headers: dict[str, str] = {}
        self.last_status = 0
        self.last_body = b""

    def request(self, method: str, path: str, body=None, headers=None):
        headers = {**self.headers, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, OSError):
            self.connection.close()  # the next request opens a fresh connection
            raise
        data = response.read()
        self.last_status = response.status
        self.last_body = data
        for value in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(value).items():
                self.cookies[key] = morsel.value
        return response.status, response.headers, data

    def login(self, username: str, password: str) -> None:
        status, _, page = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        status, headers, _ = self.request(
            "POST",
            "/accounts/login/",
            body=urlencode(
                {"username": username, "password": password, "csrfmiddlewaretoken": token}
            ),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        if status != 302:
            raise RuntimeError(f"login as {username} failed with HTTP {status}")

    @property
    def csrf(self) -> str:
        return self.cookies.get("csrftoken", "")


def form_order(session: Session, *, customer_id: int, warehouse_id: int, lines, **_) -> bool:
    """lines: [(product_id, sku, quantity)]; the form takes the SKU."""
    fields = {
        "csrfmiddlewaretoken": session.csrf,
        "customer": customer_id,
        "warehouse": warehouse_id,
        "lines-TOTAL_FORMS": len(lines),
        "lines-INITIAL_FORMS": 0,
        "lines-MIN_NUM_FORMS": 1,
        "lines-MAX_NUM_FORMS": 200,
        "submit": "1",
    }
    for index, (_, sku, quantity) in enumerate(lines):
        fields[f"lines-{index}-product"] = sku
        fields[f"lines-{index}-quantity"] = quantity
    status, headers, _ = session.request(
        "POST",
        "/orders/new/",
        body=urlencode(fields),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    return status == 302 and "/orders/" in (headers.get("Location") or "")


def api_order(
    session: Session, *, customer_code: str, warehouse_code: str, lines, request_id: str, **_
) -> bool:
    """POST /api/v1/orders/ with the channel's own order number as external_id."""
    payload = {
        "external_id": request_id,
        "customer": customer_code,
        "warehouse": warehouse_code,
        "lines": [{"sku": sku, "quantity": quantity} for _, sku, quantity in lines],
        "submit": True,
    }
    status, _, _ = session.request(
        "POST",
        "/api/v1/orders/",
        body=json.dumps(payload),
        headers={"Content-Type": "application/json", "Idempotency-Key": request_id},
    )
    return status == 201


def form_start(session: Session, world: dict) -> None:
    session.login(world["username"], world["password"])


def api_start(session: Session, world: dict) -> None:
    session.headers["Authorization"] = f"Token {world['api_key']}"


# name: (start the session, place one order)
TARGETS = {"api": (api_start, api_order), "form": (form_start, form_order)}
