"""Open311 GeoReport v2, outside the language prefix: clients expect fixed addresses."""

from __future__ import annotations

from django.urls import URLPattern, path, re_path

from megafonen.needs import api

_FORMAT = r"(?P<fmt>[A-Za-z0-9]{1,10})"

urlpatterns: list[URLPattern] = [
    path("", api.root, name="open311_root"),
    re_path(rf"^discovery\.{_FORMAT}$", api.discovery, name="open311_discovery"),
    re_path(rf"^services\.{_FORMAT}$", api.services_list, name="open311_services"),
    re_path(
        rf"^services/(?P<service_code>[\w-]{{1,60}})\.{_FORMAT}$",
        api.service_definition,
        name="open311_service",
    ),
    re_path(rf"^requests\.{_FORMAT}$", api.requests, name="open311_requests"),
    re_path(
        rf"^requests/(?P<request_id>[^/.]{{1,40}})\.{_FORMAT}$",
        api.request_detail,
        name="open311_request",
    ),
]
