"""The JSON API: one NinjaAPI with a router per app, OpenAPI at /api/docs.

Scripts authenticate with ``Authorization: Bearer <token>``; pages calling the
API use their session (with the CSRF token). Service errors map to one JSON
shape everywhere: ``{"detail": message, "problems": [{"where", "message"}]}``.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import SessionAuth

from flowbridge.accounts.api import router as accounts_router
from flowbridge.accounts.tokens import TokenAuth
from flowbridge.core.api import router as core_router
from flowbridge.core.errors import Conflict, DomainError, InvalidInput, NotAllowed, NotFound
from flowbridge.org.api import router as org_router
from flowbridge.processes.api import router as processes_router
from flowbridge.processes.designer.api import router as designer_router
from flowbridge.responsibility.api import router as responsibility_router

api = NinjaAPI(
    title="Flowbridge API",
    version="1",
    description="Organization, liaisons, responsibility lists and working-time calendar.",
    docs_url="/docs",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
)
api.add_router("/", core_router)
api.add_router("/", accounts_router)
api.add_router("/", org_router)
api.add_router("/", responsibility_router)
api.add_router("/", processes_router)
api.add_router("/designer", designer_router)
api.add_router("/", "flowbridge.cases.api_bulk.router")  # before /tasks/{item_id}
api.add_router("/", "flowbridge.cases.api.router")
api.add_router("/diagnosis", "flowbridge.diagnosis.api.router")

_STATUS: dict[type[DomainError], int] = {
    InvalidInput: 422,
    NotAllowed: 403,
    NotFound: 404,
    Conflict: 409,
}


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    status = next((s for cls, s in _STATUS.items() if isinstance(exc, cls)), 400)
    problems = [
        {"where": p.where, "message": p.message, "row": p.row, "column": p.column}
        for p in exc.problems
    ]
    return api.create_response(
        request, {"detail": exc.message, "problems": problems}, status=status
    )
