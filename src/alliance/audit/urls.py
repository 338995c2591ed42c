from django.urls import path

from . import mine, views

urlpatterns = [
    path("audit/", views.audit_list, name="audit"),
    path("audit/export.csv", views.audit_export, name="audit-export"),
    path("audit/mine/", mine.my_trail, name="audit-mine"),
]
