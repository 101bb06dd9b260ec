"""JSON API routes of this app (see flowbridge.api)."""

from ninja import Router

router = Router()
