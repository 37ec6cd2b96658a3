"""newsaudit: audit news articles for sources, claims, numbers and persuasion techniques."""

from newsaudit.api import analyze, analyze_many
from newsaudit.document import (
    Attribution,
    Claim,
    Document,
    Quantity,
    Sentence,
    Source,
    Span,
    Technique,
)
from newsaudit.errors import NewsauditError
from newsaudit.settings import Settings

__all__ = [
    "Attribution",
    "Claim",
    "Document",
    "NewsauditError",
    "Quantity",
    "Sentence",
    "Settings",
    "Source",
    "Span",
    "Technique",
    "analyze",
    "analyze_many",
]
__version__ = "0.1.0"
