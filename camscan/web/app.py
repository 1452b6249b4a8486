"""The dashboard as a Starlette application: server-rendered pages, no script.

Security, in the order a request meets it:

* the Host header must name this machine when the server listens on loopback only (a web
  page elsewhere cannot reach it through DNS rebinding);
* every response carries a Content-Security-Policy without any script source, refuses
  framing (``frame-ancestors 'none'``, X-Frame-Options) and, except the stylesheet, is
  ``Cache-Control: no-store`` (inventory data stays out of shared caches);
* the session is a cookie signed with the inventory's secret (Starlette's
  SessionMiddleware, itsdangerous), HttpOnly, SameSite=Lax, Secure with
  ``secure_cookies``, valid for ``session_hours`` after login; it names the account and the
  account's session version, checked on every request, so a removed account, a new
  password or a new role ends the sessions opened before;
* a page without a session redirects to /login; a download or /api/ request gets 401;
* every POST carries the session's CSRF token in its form (compared in constant time) and,
  when the browser sends an Origin header, comes from this origin: else 403;
* tagging needs the editor role (403 for a viewer); everything else only reads;
* Jinja2 autoescaping writes every device-supplied string as text.
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from camscan import __version__
from camscan.errors import UsageError
from camscan.inventory.db import Inventory
from camscan.web import accounts, data

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
FORM_BYTES = 16 * 1024  # the largest form body read (login and tag forms are tiny)
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
PDF_AT_ONCE = 1  # reports printed at the same time (each runs a Chromium)


@dataclass(frozen=True)
class Settings:
    secure_cookies: bool = False  # the Secure flag (served over https, or behind TLS)
    session_hours: float = 8.0
    allowed_hosts: frozenset[str] | None = None  # None: any Host header
    scoring: data.Scoring = field(default_factory=data.Scoring)


@dataclass(frozen=True)
class User:
    name: str
    role: str

    @property
    def editor(self) -> bool:
        return self.role == "editor"


class NeedLogin(Exception):
    """No valid session: a page redirects to the login, an API answer is 401."""


class SecurityHeaders:
    """The headers every response gets, and the Host check (a pure ASGI middleware)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        allowed = self.settings.allowed_hosts
        if allowed is not None and _host(scope) not in allowed:
            await PlainTextResponse("unknown Host header", status_code=400)(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                h = MutableHeaders(scope=message)
                h["Content-Security-Policy"] = CSP
                h["X-Frame-Options"] = "DENY"
                h["X-Content-Type-Options"] = "nosniff"
                h["Referrer-Policy"] = "same-origin"
                h["Cross-Origin-Opener-Policy"] = "same-origin"
                if not static:
                    h["Cache-Control"] = "no-store"
                if self.settings.secure_cookies:
                    h["Strict-Transport-Security"] = "max-age=31536000"
            await send(message)

        await self.app(scope, receive, with_headers)


def _host(scope: Scope) -> str:
    for key, value in scope.get("headers", []):
        if key == b"host":
            host = bytes(value).decode("latin-1").strip().lower()
            if host.startswith("["):
                return host[1 : host.find("]")] if "]" in host else host
            return host.split(":", 1)[0]
    return ""


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("camscan.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
    )
    env.globals["version"] = __version__
    env.globals["BANDS"] = data.BANDS
    env.globals["BAND_MEANING"] = data.BAND_MEANING
    env.filters["qs"] = lambda params: urlencode(params)
    env.filters["num"] = lambda v, digits=0: "" if v is None else f"{float(v):,.{digits}f}"
    return env


def create_app(inv: Inventory, settings: Settings | None = None) -> ASGIApp:
    """The dashboard over ``inv`` (its accounts, its secret, its devices).  The security
    headers wrap everything, Starlette's own error responses included."""
    settings = settings or Settings()
    env = environment()
    limiter = accounts.LoginLimiter()
    printing = threading.BoundedSemaphore(PDF_AT_ONCE)
    cookie = "__Host-camscan" if settings.secure_cookies else "camscan_session"

    def csrf_token(request: Request) -> str:
        token = request.session.get("csrf")
        if not isinstance(token, str) or not token:
            token = secrets.token_urlsafe(32)
            request.session["csrf"] = token
        return token

    def current_user(request: Request) -> User | None:
        name, version = request.session.get("user"), request.session.get("v")
        if not isinstance(name, str) or not isinstance(version, int):
            return None
        state = accounts.session_state(inv, name)
        if state is None or state[1] != version:
            request.session.clear()
            return None
        return User(name, state[0])

    def need_user(request: Request) -> User:
        user = current_user(request)
        if user is None:
            raise NeedLogin()
        return user

    def page(
        request: Request, template: str, user: User | None, status: int = 200, **ctx: Any
    ) -> HTMLResponse:
        html = env.get_template(template).render(
            request=request, user=user, csrf=csrf_token(request), path=request.url.path, **ctx
        )
        return HTMLResponse(html, status_code=status)

    async def read_form(request: Request) -> dict[str, str]:
        """The urlencoded form of a POST, after the CSRF and origin checks (403)."""
        origin = request.headers.get("origin")
        if origin is not None and origin != f"{request.url.scheme}://{request.url.netloc}":
            raise HTTPException(403, "cross-origin form refused")
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > FORM_BYTES:
                raise HTTPException(413, "form too large")
        try:
            pairs = parse_qsl(
                body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=20
            )
        except ValueError:
            raise HTTPException(400, "a form of more than 20 fields") from None
        fields = dict(pairs)
        want = request.session.get("csrf")
        given = fields.get("csrf", "")
        if (
            not isinstance(want, str)
            or not want
            or not hmac.compare_digest(given.encode(), want.encode())
        ):
            raise HTTPException(403, "missing or wrong form token: reload the page and try again")
        return fields

    # --- login ----------------------------------------------------------------------

    def safe_next(target: str | None) -> str:
        """Only a path of this site (never //host or a scheme) is followed after login."""
        if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
            return "/"
        return target

    def login_form(request: Request) -> Response:
        if current_user(request) is not None:
            return RedirectResponse(safe_next(request.query_params.get("next")), 303)
        return page(
            request, "login.html.j2", None, next=safe_next(request.query_params.get("next"))
        )

    async def login(request: Request) -> Response:
        fields = await read_form(request)
        name = fields.get("name", "").strip()[: accounts.NAME_CHARS]
        password = fields.get("password", "")[: accounts.MAX_PASSWORD]
        address = request.client.host if request.client else "?"
        nxt = safe_next(fields.get("next"))
        wait = limiter.wait(name, address)
        if wait > 0:
            return page(
                request, "login.html.j2", None, 429, next=nxt,
                error=f"Too many failed logins: try again in {int(wait // 60) + 1} minutes.",
            )  # fmt: skip
        found = await run_in_threadpool(accounts.authenticate, inv, name, password)
        if found is None:
            limiter.failed(name, address)
            return page(
                request, "login.html.j2", None, 401, next=nxt, error="Wrong name or password."
            )
        limiter.succeeded(name)
        request.session.clear()  # a new session (and CSRF token) at login: no fixation
        request.session.update({"user": found.name, "v": found.session_version})
        csrf_token(request)
        return RedirectResponse(nxt, 303)

    async def logout(request: Request) -> Response:
        await read_form(request)
        request.session.clear()
        return RedirectResponse("/login", 303)

    # --- pages ----------------------------------------------------------------------

    def params(request: Request) -> dict[str, str]:
        return {k: v for k, v in request.query_params.items()}

    def sites(request: Request) -> Response:
        user = need_user(request)
        return page(
            request, "sites.html.j2", user, sites=data.sites_overview(inv, settings.scoring)
        )

    def device_list(request: Request) -> Response:
        user = need_user(request)
        f = data.DeviceFilter.from_query(params(request))
        return page(
            request, "devices.html.j2", user, result=data.devices(inv, f),
            choices=data.choices(inv), seen=data.SEEN, sorts=data.SORTS, sizes=data.PAGE_SIZES,
        )  # fmt: skip

    def device_page(request: Request) -> Response:
        user = need_user(request)
        device_id = int(request.path_params["device_id"])
        try:
            rec = data.device(inv, device_id)
        except (UsageError, LookupError):
            return page(request, "error.html.j2", user, 404, message=f"No device {device_id}.")
        return page(
            request, "device.html.j2", user, d=rec,
            tagged=request.query_params.get("tagged") == "1",
        )  # fmt: skip

    async def tag_device(request: Request) -> Response:
        user = await run_in_threadpool(need_user, request)
        fields = await read_form(request)
        if not user.editor:
            raise HTTPException(403, "tagging needs the editor role")
        device_id = int(request.path_params["device_id"])
        clear = fields.get("clear") == "1"
        zone = fields.get("zone", "").strip()[:120] or None
        crit = fields.get("criticality", "") or None
        if crit is not None and crit not in ("high", "medium", "low"):
            raise HTTPException(400, "criticality is high, medium or low")
        try:
            await run_in_threadpool(
                data.tag, inv, settings.scoring, device_id, zone=None if clear else zone,
                criticality=None if clear else crit, clear=clear,
            )  # fmt: skip
        except UsageError as err:
            raise HTTPException(404, str(err)) from None
        return RedirectResponse(f"/devices/{device_id}?tagged=1", 303)

    def plan_page(request: Request) -> Response:
        from camscan.scoring.plan import parse_amount

        user = need_user(request)
        budget_text = request.query_params.get("budget", "").strip()[:40]
        site = request.query_params.get("site", "")[:200]
        error = None
        budget = None
        if budget_text:
            try:
                budget = parse_amount(budget_text)
            except UsageError as err:
                error = str(err)
        try:
            p = data.plan(inv, settings.scoring, budget, site or None)
        except UsageError as err:
            error, p = str(err), data.plan(inv, settings.scoring, budget, None)
        return page(
            request, "plan.html.j2", user, plan=p, budget=budget_text, site=site,
            sites=data.choices(inv)["sites"], error=error, budget_given=budget is not None,
        )  # fmt: skip

    def changes_page(request: Request) -> Response:
        user = need_user(request)
        q = request.query_params

        def scan_id(key: str) -> int | None:
            v = q.get(key, "")
            return int(v) if v.isdigit() and len(v) < 10 else None

        site = q.get("site", "")[:200]
        result = data.changes(inv, site or None, scan_id("a"), scan_id("b"))
        return page(
            request, "changes.html.j2", user, r=result, site=site,
            sites=data.choices(inv)["sites"],
        )  # fmt: skip

    def downloads_page(request: Request) -> Response:
        user = need_user(request)
        return page(request, "downloads.html.j2", user, sites=data.choices(inv)["sites"])

    # --- downloads and the API: 401 without a session --------------------------------

    def api_user(request: Request) -> User:
        user = current_user(request)
        if user is None:
            raise HTTPException(401, "log in first (POST /login)")
        return user

    def stamp() -> str:
        return datetime.now(UTC).strftime("%Y%m%d-%H%M")

    def attachment(body: bytes, media: str, name: str) -> Response:
        return Response(
            body,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    def download(request: Request) -> Response:
        api_user(request)
        what = request.path_params["name"]
        q = request.query_params
        site = q.get("site", "")[:200] or None
        cameras = q.get("cameras") == "1"
        try:
            if what == "devices.csv":
                body = data.export_csv(inv, site, cameras)
                return attachment(body, "text/csv; charset=utf-8", f"camscan-{stamp()}.csv")
            if what == "devices.xlsx":
                body = data.export_xlsx(inv, settings.scoring, site, cameras)
                media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                return attachment(body, media, f"camscan-{stamp()}.xlsx")
            if what == "report.pdf":
                from camscan.scoring.plan import parse_amount

                budget = parse_amount(q["budget"]) if q.get("budget") else None
                if not printing.acquire(timeout=300):
                    raise HTTPException(503, "the report printer is busy; try again")
                try:
                    body = data.export_pdf(inv, settings.scoring, site, budget)
                finally:
                    printing.release()
                return attachment(body, "application/pdf", f"camscan-report-{stamp()}.pdf")
        except UsageError as err:
            raise HTTPException(400, str(err)) from None
        raise HTTPException(404, "no such download")

    def api_devices(request: Request) -> Response:
        api_user(request)
        result = data.devices(inv, data.DeviceFilter.from_query(params(request)))
        body = {
            "total": result.total,
            "page": result.filter.page,
            "pages": result.pages,
            "devices": result.rows,
        }
        return Response(json.dumps(body, default=str), media_type="application/json")

    def health(request: Request) -> Response:
        return PlainTextResponse("ok")

    # --- errors -----------------------------------------------------------------------

    async def need_login(request: Request, exc: Exception) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?" + urlencode({"next": target}), 303)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 401 or request.url.path.startswith(("/api/", "/download/")):
            return JSONResponse({"error": exc.detail}, status_code=exc.status_code)
        user = await run_in_threadpool(current_user, request)
        return page(request, "error.html.j2", user, exc.status_code, message=exc.detail)

    handlers: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
        NeedLogin: need_login,
        HTTPException: http_error,
    }
    routes = [
        Route("/", sites),
        Route("/login", login_form, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/devices", device_list),
        Route("/devices/{device_id:int}", device_page),
        Route("/devices/{device_id:int}/tags", tag_device, methods=["POST"]),
        Route("/plan", plan_page),
        Route("/changes", changes_page),
        Route("/downloads", downloads_page),
        Route("/download/{name}", download),
        Route("/api/devices", api_devices),
        Route("/healthz", health),
        Mount("/static", StaticFiles(packages=[("camscan.web", "static")]), name="static"),
    ]
    middleware = [
        Middleware(
            SessionMiddleware,
            secret_key=accounts.signing_secret(inv),
            session_cookie=cookie,
            max_age=int(settings.session_hours * 3600),
            same_site="lax",
            https_only=settings.secure_cookies,
        ),
    ]
    app = Starlette(routes=routes, middleware=middleware, exception_handlers=handlers)
    return SecurityHeaders(app, settings)
