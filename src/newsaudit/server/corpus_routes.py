"""Corpus endpoints and pages: article list, search, match, trace, stats, ingest and delete (via `Corpus`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException

from newsaudit.corpus.trace import SAME_CLAIM_COSINE
from newsaudit.document import Document
from newsaudit.errors import NewsauditError, QueryError
from newsaudit.outputs.techniques import TECHNIQUES
from newsaudit.server import inputs
from newsaudit.server.limits import PoolFull
from newsaudit.server.schemas import MAX_ID, ArticleInput, MatchRequest

if TYPE_CHECKING:
    from newsaudit.server.app import ServerState

PageFn = Callable[..., HTMLResponse]
FILTER_NAMES = ("outlet", "since", "until", "technique", "source_kind")


def _filters(
    outlet: str | None = Query(None, description="outlet name (exact, case-insensitive)"),
    since: str | None = Query(None, description="first day, YYYY-MM-DD"),
    until: str | None = Query(None, description="last day, YYYY-MM-DD"),
    technique: str | None = Query(None, description="a PTC technique label, e.g. Loaded_Language"),
    source_kind: str | None = Query(None, description="named, vague, anonymous or self"),
) -> dict[str, str]:
    values = {"outlet": outlet, "since": since, "until": until, "technique": technique, "source_kind": source_kind}
    return {k: v.strip() for k, v in values.items() if v and v.strip()}


FilterParams = Annotated[dict[str, str], Depends(_filters)]
# Stored ids and offsets are SQLite INTEGERs (64-bit): a larger number is refused (422), never passed on to SQLite.
ArticleId = Annotated[int, PathParam(le=MAX_ID, description="a stored article id")]
ClaimId = Annotated[int, PathParam(le=MAX_ID, description="a stored claim id")]
Threshold = Annotated[float, Query(gt=0, le=1, allow_inf_nan=False, description="cosine similarity, in (0, 1]")]


def _not_found(what: str, ident: int) -> HTTPException:
    return HTTPException(404, f"no {what} with id {ident}")


def _render_stored(document: dict[str, Any]) -> tuple[Document, str]:
    """A stored JSON contract as a Document and its report fragment (runs in a worker thread)."""
    from newsaudit.outputs.html import render_fragment

    doc = Document.from_dict(document)
    return doc, render_fragment(doc)


def install_corpus_routes(app: FastAPI, state: ServerState, page: PageFn) -> None:
    """Add the corpus API and the Corpus, Article and Claim pages to `app`."""
    from newsaudit.server.app import ERROR_RESPONSES, analysis_cost, error_status

    pool = state.pool
    write_guard = [Depends(app.state.require_write_token), Depends(app.state.refuse_cross_site_writes)]

    def corpus_call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return fn(state.corpus(), *args, **kwargs)

    async def run(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await pool.run(corpus_call, fn, *args, **kwargs)

    # ---- API ----

    @app.get("/api/articles", tags=["corpus"], responses=ERROR_RESPONSES, summary="List stored articles")
    async def api_articles(
        filters: FilterParams,
        offset: int = Query(0, ge=0, le=MAX_ID),
        limit: int = Query(50, ge=1, le=1000),
    ) -> dict[str, Any]:
        """A page of stored articles, newest first, with filters."""
        result = await run(lambda c: c.articles(filters, offset=offset, limit=limit))
        return result.to_dict()

    @app.get("/api/articles/{article_id}", tags=["corpus"], responses=ERROR_RESPONSES, summary="Get a stored article")
    async def api_article(article_id: ArticleId) -> dict[str, Any]:
        """One stored article: metadata, claim ids, near-duplicates and its JSON contract under `document`."""
        found = await run(lambda c: c.article(article_id))
        if found is None:
            raise _not_found("article", article_id)
        return found.to_dict()

    @app.get("/api/search", tags=["corpus"], responses=ERROR_RESPONSES, summary="Full-text search")
    async def api_search(
        filters: FilterParams,
        q: str = Query(..., description="search terms (SQLite FTS5 over articles and claims)"),
        limit: int = Query(20, ge=1, le=1000),
    ) -> dict[str, Any]:
        """Full-text search over article titles and texts and over claims."""
        result = await run(lambda c: c.search(q, limit=limit, **filters))
        return result.to_dict()

    @app.post("/api/match", tags=["corpus"], responses=ERROR_RESPONSES, summary="Match a claim")
    async def api_match(body: MatchRequest) -> dict[str, Any]:
        """The most similar fact-checked claims and claims of other stored articles, for a text or a stored claim."""

        def work(c: Any) -> Any:
            if body.claim_id is not None:
                if c.store.claim(body.claim_id) is None:
                    raise _not_found("claim", body.claim_id)
                return c.match(claim_id=body.claim_id, k=body.k)  # stored embedding; own article left out
            return c.match(text=body.text, k=body.k)

        return (await run(work)).to_dict()

    @app.get("/api/claims/{claim_id}", tags=["corpus"], responses=ERROR_RESPONSES, summary="Get a stored claim")
    async def api_claim(claim_id: ClaimId) -> dict[str, Any]:
        """One stored claim with the metadata of its article."""
        claim = await run(lambda c: c.store.claim(claim_id))
        if claim is None:
            raise _not_found("claim", claim_id)
        return claim.to_dict()

    @app.get("/api/claims/{claim_id}/trace", tags=["corpus"], responses=ERROR_RESPONSES, summary="Trace a stored claim")
    async def api_trace(claim_id: ClaimId, threshold: Threshold = SAME_CLAIM_COSINE) -> dict[str, Any]:
        """The claim's history: which outlets carried it (or a near-identical one), first when, credited to whom."""

        def work(c: Any) -> Any:
            if c.store.claim(claim_id) is None:
                raise _not_found("claim", claim_id)
            return c.trace(claim_id=claim_id, threshold=threshold)

        return (await run(work)).to_dict()

    @app.get("/api/trace", tags=["corpus"], responses=ERROR_RESPONSES, summary="Trace a claim text")
    async def api_trace_text(
        text: str = Query(..., description="the claim text"), threshold: Threshold = SAME_CLAIM_COSINE
    ) -> dict[str, Any]:
        """The history of a free-text claim across the corpus."""
        return (await run(lambda c: c.trace(text=text, threshold=threshold))).to_dict()

    @app.get("/api/stats", tags=["corpus"], responses=ERROR_RESPONSES, summary="Per-outlet statistics")
    async def api_stats() -> dict[str, Any]:
        """Per outlet: techniques per 1,000 words and the sourcing profile, overall and month by month."""
        return (await run(lambda c: c.stats())).to_dict()

    @app.post(
        "/api/ingest", tags=["corpus"], responses=ERROR_RESPONSES, dependencies=write_guard, summary="Ingest an article"
    )
    async def api_ingest(item: ArticleInput) -> dict[str, Any]:
        """Analyse and store one article (text, HTML or URL). Idempotent: the same text is stored once.

        The answer comes after the article is committed; `added` is false when it was already stored.
        """
        state.corpus()  # no corpus: 503 before any page is fetched
        given = await state.prepare(item)  # a page is fetched and extracted first, as a job of its own

        def work(c: Any) -> dict[str, Any]:
            doc = given if isinstance(given, Document) else inputs.load(given, state.settings)
            article_id, added = c.add_document(doc)
            return {"id": article_id, "added": added}

        # an analysis (and a store write), admitted and learnt from by its length like one: not a cost-1 corpus query
        return await pool.run_job("ingest", analysis_cost(given), corpus_call, work)

    @app.delete(
        "/api/articles/{article_id}",
        tags=["corpus"],
        responses=ERROR_RESPONSES,
        dependencies=write_guard,
        summary="Delete an article",
    )
    async def api_delete(article_id: ArticleId) -> dict[str, Any]:
        """Remove a stored article with its claims."""
        if not await run(lambda c: c.delete(article_id)):
            raise _not_found("article", article_id)
        return {"id": article_id, "deleted": True}

    # ---- pages ----

    async def guarded(render: Callable[[], Any], template: str, **context: Any) -> HTMLResponse:
        """Render a corpus page; errors become the same page with a one-line message and the right status."""
        try:
            return await render()
        except PoolFull as exc:
            return page(template, 503, {"Retry-After": str(exc.retry_after)}, error=str(exc), **context)
        except NewsauditError as exc:
            return page(template, error_status(exc), error=" ".join(str(exc).split()), **context)
        except HTTPException as exc:
            return page(template, exc.status_code, error=str(exc.detail), **context)

    @app.get("/corpus", response_class=HTMLResponse, include_in_schema=False)
    async def corpus_page(request: Request) -> HTMLResponse:
        params = {k: (request.query_params.get(k) or "").strip() for k in (*FILTER_NAMES, "q")}
        filters = {k: params[k] for k in FILTER_NAMES if params[k]}
        try:
            offset = min(MAX_ID, max(0, int(request.query_params.get("offset") or 0)))
        except ValueError:
            offset = 0
        limit = 50
        context: dict[str, Any] = {
            "params": params,
            "has_corpus": state.db_path is not None,
            "techniques": list(TECHNIQUES.values()),
        }

        async def render() -> HTMLResponse:
            listing = await run(lambda c: c.articles(filters, offset=offset, limit=limit))
            hits = None
            if params["q"]:
                hits = await run(lambda c: c.search(params["q"], limit=20, **filters))
            query = urlencode({**filters, **({"q": params["q"]} if params["q"] else {})})
            return page(
                "corpus.html", listing=listing, hits=hits, offset=offset, limit=limit, filter_query=query, **context
            )

        return await guarded(render, "corpus.html", **context)

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    async def article_page(article_id: ArticleId) -> HTMLResponse:
        async def render() -> HTMLResponse:
            found = await run(lambda c: c.article(article_id))
            if found is None:
                raise _not_found("article", article_id)
            claims = await run(lambda c: c.store.claims_of_article(article_id))
            doc, report = await pool.run(_render_stored, found.document)
            return page("article.html", article=found, doc=doc, claims=claims, report=report)

        return await guarded(render, "article.html", article=None)

    @app.get("/claims/{claim_id}", response_class=HTMLResponse, include_in_schema=False)
    async def claim_page(claim_id: ClaimId) -> HTMLResponse:
        async def render() -> HTMLResponse:
            claim = await run(lambda c: c.store.claim(claim_id))
            if claim is None:
                raise _not_found("claim", claim_id)
            matches = await run(lambda c: c.match(claim_id=claim_id, k=10))
            trace = await run(lambda c: c.trace(claim_id=claim_id))
            return page("claim.html", claim=claim, text=claim.text, matches=matches.matches[0], trace=trace)

        return await guarded(render, "claim.html", claim=None, text="")

    @app.get("/claim", response_class=HTMLResponse, include_in_schema=False)
    async def claim_text_page(text: str = "") -> HTMLResponse:
        async def render() -> HTMLResponse:
            if not text.strip():
                raise QueryError("give a claim text to look up")
            matches = await run(lambda c: c.match(text=text, k=10))
            trace = await run(lambda c: c.trace(text=text))
            return page("claim.html", claim=None, text=text, matches=matches.matches[0], trace=trace)

        return await guarded(render, "claim.html", claim=None, text=text)
