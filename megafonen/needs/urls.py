from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from megafonen.needs import staff_views, views

app_name = "needs"

urlpatterns: list[URLPattern | URLResolver] = [
    # Residents
    path("new/", views.need_form, name="form"),
    path("follow-up/", views.follow_up, name="follow_up"),
    path("leaderboard/", views.leaderboard, name="leaderboard"),
    path("points/", views.points_rules, name="points_rules"),
    # Staff
    path("staff/", staff_views.inbox, name="inbox"),
    path("staff/<int:need_id>/", staff_views.need_detail, name="need_detail"),
    path("staff/<int:need_id>/claim/", staff_views.need_claim, name="need_claim"),
    path("staff/<int:need_id>/answer/", staff_views.need_answer, name="need_answer"),
    path("staff/<int:need_id>/close/", staff_views.need_close, name="need_close"),
    path("staff/<int:need_id>/forward/", staff_views.need_forward, name="need_forward"),
    path("staff/<int:need_id>/report/", staff_views.need_report, name="need_report"),
    path("staff/<int:need_id>/moderate/", staff_views.need_moderate, name="need_moderate"),
    path("staff/moderation/", staff_views.moderation, name="moderation"),
    path("staff/placements/", staff_views.placements, name="placements"),
    path("staff/placements/new/", staff_views.placement_edit, name="placement_create"),
    path("staff/placements/<str:code>/", staff_views.placement_detail, name="placement_detail"),
    path("staff/placements/<str:code>/edit/", staff_views.placement_edit, name="placement_edit"),
    path(
        "staff/placements/<str:code>/qr.<str:kind>",
        staff_views.placement_qr,
        name="placement_qr",
    ),
    path(
        "staff/placements/<str:code>/poster.pdf",
        staff_views.placement_poster,
        name="placement_poster",
    ),
    path("staff/templates/", staff_views.templates, name="templates"),
    path("staff/templates/new/", staff_views.template_edit, name="template_create"),
    path("staff/templates/<int:template_id>/", staff_views.template_edit, name="template_edit"),
]
