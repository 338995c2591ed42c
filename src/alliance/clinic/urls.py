from django.urls import path

from . import views

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("clients/<int:pk>/", views.client_detail, name="client"),
    path("clients/<int:pk>/sessions/", views.session_start, name="session-start"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/status/", views.session_status, name="session-status"),
    path("signals/<int:pk>/acknowledge/", views.signal_acknowledge, name="signal-acknowledge"),
]
