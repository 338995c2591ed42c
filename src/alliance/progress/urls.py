from django.urls import path

from . import views

urlpatterns = [
    path("p/<str:token>/", views.progress_page, name="progress-page"),
    path("clients/<int:pk>/progress/sharing/", views.sharing_set, name="progress-sharing"),
    path("clients/<int:pk>/progress/links/", views.link_create, name="progress-link-create"),
    path(
        "clients/<int:pk>/progress/links/<int:link_pk>/revoke/",
        views.link_revoke,
        name="progress-link-revoke",
    ),
]
