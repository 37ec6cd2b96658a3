"""Small articles written for the server tests: three outlets repeat one claim on different days."""

from __future__ import annotations

CLAIM = "the northern basin of Port Varrow will stay closed for at least six weeks"

ARTICLES = [
    {
        "title": "Varrow basin shut",
        "outlet": "Coastal Ledger",
        "published": "2026-03-02",
        "text": (
            f"Port director Elena Marsh said that {CLAIM}. Engineers will inspect the north wall, she told reporters."
            " Repairs will cost 4.5 million euros, according to the port authority. About 1,200 dockworkers are idle."
        ),
    },
    {
        "title": "Dockers fear for their jobs",
        "outlet": "Harbour TV",
        "published": "2026-03-05",
        "text": (
            f"According to the port authority, {CLAIM}. Union leader Tom Reyes said the closure was a disgrace."
            " Numerous experts believe the wall was neglected for years. Some say the basin will be sold."
        ),
    },
    {
        "title": "Ministry defends closure",
        "outlet": "Capital Post",
        "published": "2026-04-11",
        "text": (
            f"Officials said {CLAIM}. The Ministry of Transport said the decision was necessary."
            " The ministry will pay workers 45 euros a day, a spokesperson told the Capital Post."
        ),
    },
    {
        "title": "Fishing quotas cut again",
        "outlet": "Coastal Ledger",
        "published": "2026-04-20",
        "text": (
            "The fisheries council said on Friday that cod quotas would fall by 12 percent next year."
            " Skippers said the cut would cost them dearly. A source close to the council said more cuts were planned."
        ),
    },
]
