from __future__ import annotations

from django.urls import path

from megafonen.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility_statement, name="accessibility_statement"),
    path("privacy/", views.privacy_notice, name="privacy_notice"),
    path("languages/", views.languages, name="languages"),
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/sign-in/", views.sign_in, name="sign_in"),
    path("staff/sign-out/", views.sign_out, name="sign_out"),
    path(
        "staff/organisations/<slug:slug>/members/",
        views.organisation_members,
        name="organisation_members",
    ),
]
