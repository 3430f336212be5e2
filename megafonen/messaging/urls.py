from __future__ import annotations

from django.urls import path

from megafonen.messaging import views

app_name = "messaging"

urlpatterns = [
    path("receipts/<uuid:message_id>/<str:token>/", views.receipt, name="receipt"),
    path("inbound/<str:token>/", views.inbound_sms, name="inbound_sms"),
]
