"""Request and response bodies of the HTTP API (pydantic models, shown in the OpenAPI docs)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from newsaudit.unicode_text import unicode_problem

# SQLite's INTEGER is 64-bit signed: a larger id or offset cannot even be bound as a query parameter.
MAX_ID = 2**63 - 1


def _valid_unicode(value: Any) -> Any:
    """`value` unchanged, or ValueError when it is a str holding an unpaired surrogate (not valid Unicode text)."""
    problem = unicode_problem(value) if isinstance(value, str) else None
    if problem:
        raise ValueError(problem)
    return value


class ArticleInput(BaseModel):
    """One article given as exactly one of plain text, an HTML page or a URL to fetch, plus optional metadata."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, description="plain article text (UTF-8)")
    html: str | None = Field(None, description="an HTML page; its main text is extracted")
    url: str | None = Field(None, description="an http(s) URL to fetch (public addresses only, unless allowed)")
    title: str | None = Field(None, max_length=1000)
    outlet: str | None = Field(None, max_length=300)
    published: str | None = Field(None, max_length=100, description="publication date, ISO 8601")

    _unicode = field_validator("text", "html", "url", "title", "outlet", "published", mode="before")(_valid_unicode)

    @model_validator(mode="after")
    def _exactly_one_source(self) -> ArticleInput:
        given = [name for name in ("text", "html", "url") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of text, html or url (got {', '.join(given) or 'none'})")
        return self


class MatchRequest(BaseModel):
    """A claim to match: free text, or the id of a stored claim."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, description="the claim text")
    claim_id: int | None = Field(None, le=MAX_ID, strict=True, description="a stored claim id (instead of text)")
    k: int = Field(10, ge=1, le=100, strict=True, description="hits per list")

    _unicode = field_validator("text", mode="before")(_valid_unicode)

    @model_validator(mode="after")
    def _one_query(self) -> MatchRequest:
        if (self.text is None) == (self.claim_id is None):
            raise ValueError("give exactly one of text or claim_id")
        return self


class ErrorBody(BaseModel):
    """Every error answer: one line for a person to read."""

    error: str


# The JSON contract (schema newsaudit/1) is documented in the README; it is returned as is.
DocumentContract = dict[str, Any]
