from __future__ import annotations

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_GET

from megafonen.core.permissions import public_view
from megafonen.needs.views import placement_scan


@public_view
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", health, name="health"),
    path("messaging/", include("megafonen.messaging.urls")),
]
# --- Needs box: printed QR codes and Open311 clients need addresses without a language prefix.
urlpatterns += [
    path("q/<str:code>", placement_scan, name="needs_scan"),
    path("open311/v2/", include("megafonen.needs.open311_urls")),
]

# --- Outreach: the hotline's 46elks voice webhooks are called at a fixed address.
urlpatterns += [path("outreach/voice/", include("megafonen.outreach.voice_urls"))]

if settings.BENCHMARK_FLOOR:
    # The floor of every benchmark: the cheapest page the same server and middleware can give.
    @public_view
    @require_GET
    def benchmark_floor(request: HttpRequest) -> HttpResponse:
        return HttpResponse("<!doctype html><title>floor</title><p>ok</p>")

    urlpatterns.append(path("bench/floor", benchmark_floor))

urlpatterns += i18n_patterns(
    path("", include("megafonen.core.urls")),
    path("needs/", include("megafonen.needs.urls")),
    path("topics/", include("megafonen.outreach.urls")),
)

handler403 = "megafonen.core.errors.permission_denied"
handler404 = "megafonen.core.errors.page_not_found"
handler500 = "megafonen.core.errors.server_error"
