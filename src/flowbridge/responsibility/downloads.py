"""The export file as an HTTP download, for the API and the pages."""

from __future__ import annotations

from django.http import HttpResponse

from flowbridge.responsibility import exporter, services

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def export_response(fmt: str, process_code: str | None, number: int | None) -> HttpResponse:
    """The export file as a download (shared with the export page)."""
    if number is not None and process_code:
        versions = [services.get_version(services.get_process(process_code), number)]
    else:
        if process_code:
            services.get_process(process_code)
        versions = exporter.current_versions(process_code)
    data = exporter.export(fmt, versions)
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    name = f"responsibility-{process_code or 'all'}" + (f"-v{number}" if number else "")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
