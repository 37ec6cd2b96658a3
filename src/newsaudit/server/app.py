"""The FastAPI app: the JSON API, the Audit / Corpus / Claim pages and the offline API docs."""

from __future__ import annotations

import hmac
import ipaddress
import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException

from newsaudit import __version__
from newsaudit.document import Document
from newsaudit.errors import (
    FetchError,
    InputError,
    ModelError,
    NewsauditError,
    QueryError,
    RecordError,
    StoreError,
)
from newsaudit.outputs.json import dumps
from newsaudit.server import inputs as article_input
from newsaudit.server.corpus_routes import install_corpus_routes
from newsaudit.server.limits import DEFAULT_MAX_BODY_BYTES, BodySizeLimit, JobTooLong, PoolFull, WorkerPool
from newsaudit.server.schemas import ArticleInput, ErrorBody
from newsaudit.settings import Settings

log = logging.getLogger(__name__)

_HERE = resources.files("newsaudit.server")
STATIC_DIR = Path(str(_HERE.joinpath("static")))
TEMPLATE_DIR = Path(str(_HERE.joinpath("templates")))

# Pages load only our own scripts and styles; nothing from another origin, no inline script.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

WARM_UP_TEXT = "The harbour master said on Monday that 40 ships had been turned away."

BEARER = HTTPBearer(auto_error=False, description="the --token of the server (required off loopback)")

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "bad request (e.g. a refused URL or an invalid query)"},
    413: {"model": ErrorBody, "description": "body over the size cap, or too long to analyse within the time limit"},
    422: {"model": ErrorBody, "description": "the input is not an article or the body is malformed"},
    503: {"model": ErrorBody, "description": "too busy to answer within the latency budget (Retry-After) or no store"},
}


def is_loopback_host(host: str) -> bool:
    """Whether binding to `host` keeps the server reachable from this machine only."""
    host = host.strip().strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _origin_host(origin: str) -> str:
    """The host name of an Origin header ("" for "null" or one that is not a URL)."""
    try:
        return urlsplit(origin).hostname or ""
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return ""


def error_status(exc: NewsauditError) -> int:
    """The HTTP status for a newsaudit error: client mistakes are 4xx, an unusable store or model is 5xx."""
    if isinstance(exc, FetchError | QueryError):
        return 400
    if isinstance(exc, RecordError | InputError):
        return 422
    if isinstance(exc, StoreError):
        return 503
    if isinstance(exc, ModelError):
        return 500
    return 400


# A page's text size is unknown before the fetch and extraction (pages are mostly markup): the fetch and extraction
# run as a "page" job costed like a ~1,000-word article, and the analysis of the text found is costed by its length.
PAGE_COST = 6.0


def analysis_cost(item: ArticleInput | Document) -> float:
    """An analysis job's cost for admission control: thousands of characters of text (at least 1)."""
    if isinstance(item, Document):
        size = len(item.text)
    elif item.url is not None or item.html is not None:
        return PAGE_COST
    else:
        size = len(item.text or "")
    return max(1.0, size / 1000)


def _one_line(message: object) -> str:
    return " ".join(str(message).split()) or "error"


def _error(status: int, message: object, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": _one_line(message)}, status_code=status, headers=headers)


class ServerState:
    """Everything a request handler needs: settings, the worker pool, the write token and the corpus path."""

    def __init__(self, settings: Settings, db_path: Path | None, token: str | None, pool: WorkerPool) -> None:
        self.settings = settings
        self.db_path = db_path
        self.token = token
        self.pool = pool
        self._corpus: Any = None
        self._corpus_lock = threading.Lock()

    def corpus(self) -> Any:
        """The corpus behind --db (opened once; one SQLite connection per worker thread); StoreError if none."""
        if self.db_path is None:
            raise StoreError("no corpus: start the server with --db PATH to browse, search and ingest")
        with self._corpus_lock:
            if self._corpus is None:
                from newsaudit.corpus import Corpus

                self._corpus = Corpus(self.db_path, self.settings)
            return self._corpus

    def close(self) -> None:
        with self._corpus_lock:
            if self._corpus is not None:
                self._corpus.close()
                self._corpus = None

    async def prepare(self, item: ArticleInput | article_input.Upload | Document) -> ArticleInput | Document:
        """What to analyse. Plain text is analysed as given (its cost is its length). A page (inline HTML, a URL, an
        uploaded file) is fetched and extracted first, as a "page" job of its own in a worker thread: its analysis is
        then admitted, costed and learnt from by the length of the text found, not by the guess PAGE_COST."""
        if isinstance(item, article_input.Upload):
            return await self.pool.run_job("page", PAGE_COST, item.load)
        if isinstance(item, ArticleInput) and item.text is None:
            return await self.pool.run_job("page", PAGE_COST, article_input.load, item, self.settings)
        return item

    def analyze(self, item: ArticleInput | Document) -> Document:
        """Load (fetching a URL if need be) and analyse one article; runs in a worker thread."""
        from newsaudit.api import analyze

        doc = item if isinstance(item, Document) else article_input.load(item, self.settings)
        return analyze(doc, settings=self.settings)

    def analyze_and_render(self, item: ArticleInput | Document) -> tuple[Document, str]:
        """Analyse one article and render its report fragment (the Audit page's view); runs in a worker thread."""
        from newsaudit.outputs.html import render_fragment

        doc = self.analyze(item)
        return doc, render_fragment(doc)


def create_app(
    settings: Settings | None = None,
    db_path: str | Path | None = None,
    token: str | None = None,
    *,
    host: str = "127.0.0.1",
    workers: int = 2,
    queue: int = 8,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> FastAPI:
    """Build the app. Raises InputError when `host` is not loopback and no write token is given.

    `workers` analysis threads; `queue` more jobs may wait, but only those expected to finish within
    `settings.server_max_latency` s are admitted (503 + Retry-After otherwise).
    """
    settings = settings or Settings()
    if not is_loopback_host(host) and not token:
        raise InputError(f"refusing to serve on non-loopback host {host} without a write token (give --token)")
    if settings.server_max_latency <= 0 or settings.server_max_job_seconds <= 0:
        raise InputError("server_max_latency and server_max_job_seconds must be positive")
    pool = WorkerPool(
        workers=workers,
        queue=queue,
        max_latency=settings.server_max_latency,
        max_job_seconds=settings.server_max_job_seconds,
    )
    state = ServerState(settings, Path(db_path) if db_path else None, token or None, pool)
    if state.db_path is not None:
        state.corpus()  # fail now, with one line, if the corpus file is unusable

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:  # build the pipeline (and load any models) once, before the first request needs it
            await pool.run_job("warm-up", 1.0, state.analyze, Document(text=WARM_UP_TEXT))
        except Exception as exc:  # the server still starts; requests will report the error themselves
            log.warning("warm-up analysis failed: %s: %s", type(exc).__name__, exc)
        yield
        pool.shutdown()
        state.close()

    app = FastAPI(
        title="newsaudit",
        version=__version__,
        description="Audit news articles offline: sources, claims and their numbers, persuasion techniques.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.newsaudit = state
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)
    _install_error_handlers(app)
    _install_security_headers(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    templates = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR), autoescape=select_autoescape(default=True), auto_reload=False
    )

    def page(name: str, status: int = 200, headers: dict[str, str] | None = None, **context: Any) -> HTMLResponse:
        html = templates.get_template(name).render(version=__version__, **context)
        return HTMLResponse(html, status_code=status, headers=headers)

    def require_write_token(credentials: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)]) -> None:
        if state.token is None:
            return
        given = credentials.credentials.strip() if credentials else ""
        if not given or not hmac.compare_digest(given.encode(), state.token.encode()):
            raise StarletteHTTPException(401, "this endpoint needs 'Authorization: Bearer TOKEN'")

    def refuse_cross_site_writes(request: Request) -> None:
        """Without a token (loopback), writes are refused when a browser says they come from another site's page.

        A page elsewhere cannot simply post JSON or DELETE here (CORS preflight), but a DNS-rebinding page is
        same-origin with its own host name: its browser still sends `Origin: http://that-name:PORT`. Clients other
        than browsers send no Origin and are not affected.
        """
        origin = request.headers.get("origin")
        if state.token is None and origin is not None and not is_loopback_host(_origin_host(origin)):
            raise StarletteHTTPException(403, f"refused a write request from a web page at {origin[:200]}")

    app.state.require_write_token = require_write_token
    app.state.refuse_cross_site_writes = refuse_cross_site_writes
    install_corpus_routes(app, state, page)

    # ---- API ----

    @app.post(
        "/api/analyze",
        tags=["analysis"],
        responses={**ERROR_RESPONSES, 200: {"description": "the JSON contract (schema newsaudit/1)"}},
        summary="Analyse an article",
    )
    async def api_analyze(item: ArticleInput) -> Response:
        """Analyse one article (text, HTML or URL) and return the JSON contract (schema newsaudit/1)."""
        work = await state.prepare(item)
        body = await pool.run_job("analysis", analysis_cost(work), lambda: dumps(state.analyze(work)).encode("utf-8"))
        return Response(body, media_type="application/json")

    @app.get("/api/health", tags=["server"], summary="Health and load")
    async def api_health() -> dict[str, Any]:
        """Liveness and load: workers, admitted jobs, capacity, expected wait and learnt service times."""
        return {
            "ok": True,
            "version": __version__,
            "threads": pool.workers,
            "capacity": pool.capacity,
            **pool.status(),
            "corpus": str(state.db_path) if state.db_path else None,
        }

    # ---- pages ----

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def audit_page() -> HTMLResponse:
        return page("audit.html", form={})

    @app.post("/audit", response_class=HTMLResponse, include_in_schema=False)
    async def audit_submit(request: Request) -> HTMLResponse:
        try:  # a field may be as long as the body cap allows (Starlette's default is 1 MB per field)
            form = await request.form(max_part_size=max_body_bytes)
        except (StarletteHTTPException, MultiPartException) as exc:  # malformed multipart, too many fields
            message = exc.detail if isinstance(exc, StarletteHTTPException) else exc.message
            return page("audit.html", 400, form={}, error=_one_line(f"the form could not be read: {message}"))
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        shown = {k: fields.get(k, "") for k in ("text", "url", "title", "outlet")}
        try:
            item = await article_input.from_form(fields, form.get("file"))
            work = await state.prepare(item)
            doc, report = await pool.run_job("analysis", analysis_cost(work), state.analyze_and_render, work)
        except PoolFull as exc:
            return page("audit.html", 503, {"Retry-After": str(exc.retry_after)}, form=shown, error=str(exc))
        except JobTooLong as exc:
            return page("audit.html", 413, form=shown, error=str(exc))
        except NewsauditError as exc:
            return page("audit.html", error_status(exc), form=shown, error=_one_line(exc))
        finally:
            await form.close()
        return page("audit.html", form=shown, report=report, doc=doc)

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    async def docs_page() -> HTMLResponse:
        return page("docs.html", openapi_url=app.openapi_url)

    @app.get("/assets/report.css", include_in_schema=False)
    async def report_css() -> Response:
        from newsaudit.outputs.html import ASSETS_CSS

        return Response(ASSETS_CSS, media_type="text/css")

    @app.get("/assets/report.js", include_in_schema=False)
    async def report_js() -> Response:
        from newsaudit.outputs.html import ASSETS_JS

        return Response(ASSETS_JS, media_type="text/javascript")

    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NewsauditError)
    async def newsaudit_error(_request: Request, exc: NewsauditError) -> JSONResponse:
        return _error(error_status(exc), exc)

    @app.exception_handler(PoolFull)
    async def pool_full(_request: Request, exc: PoolFull) -> JSONResponse:
        return _error(503, exc, {"Retry-After": str(exc.retry_after)})

    @app.exception_handler(JobTooLong)
    async def job_too_long(_request: Request, exc: JobTooLong) -> JSONResponse:
        return _error(413, exc)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return _error(422, _validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(exc.headers or {})
        if exc.status_code == 401:
            headers.setdefault("WWW-Authenticate", "Bearer")
        detail = exc.detail
        if exc.status_code == 400 and detail == "There was an error parsing the body":  # FastAPI's, for any cause
            cause = exc.__cause__
            detail = (
                f"the request body is not valid UTF-8 ({cause.reason} at byte {cause.start})"
                if isinstance(cause, UnicodeDecodeError)
                else f"the request body could not be read ({type(cause).__name__ if cause else 'unknown error'})"
            )
        return _error(exc.status_code, detail, headers or None)

    @app.exception_handler(Exception)
    async def internal_error(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return _error(500, f"internal error: {type(exc).__name__}")


JSON_OBJECT_NEEDED = "the request body must be a JSON object, sent with Content-Type: application/json"


def _validation_message(exc: RequestValidationError) -> str:
    errors = exc.errors()
    for err in errors:  # a body that is not a JSON object at all: say so, not what each field lacks
        loc, kind = tuple(err.get("loc", ())), err.get("type")
        if kind == "json_invalid":
            where = f" at character {loc[1]}" if len(loc) > 1 else ""
            return f"the request body is not valid JSON ({(err.get('ctx') or {}).get('error', 'syntax error')}{where})"
        if loc == ("body",) and kind == "missing":
            return "the request body is empty: send a JSON object with Content-Type: application/json"
        if loc == ("body",) and kind in ("model_attributes_type", "dict_type", "model_type"):
            return JSON_OBJECT_NEEDED
    parts = []
    for err in errors[:3]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        parts.append(f"{where}: {msg}" if where else msg)
    return "invalid request: " + "; ".join(parts)


def _install_security_headers(app: FastAPI) -> None:
    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if response.headers.get("content-type", "").startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            response.headers.setdefault("X-Frame-Options", "DENY")
        return response
