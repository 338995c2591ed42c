from django.urls import path

from . import views

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("clients/<int:pk>/", views.client_detail, name="client"),
]
