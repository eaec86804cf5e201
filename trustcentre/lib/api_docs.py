"""The browsable API documentation at /api/docs/."""

from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    """/api/docs/: Swagger UI from the sidecar's static files. The split view serves the
    start-up script from its own URL, so the page needs no inline script under our CSP."""

    template_name = "api/swagger_ui.html"
