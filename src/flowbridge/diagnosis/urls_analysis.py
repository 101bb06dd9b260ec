"""Analysis pages of a dataset (helper "pages" fills this)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
