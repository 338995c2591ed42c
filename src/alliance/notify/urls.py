from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("account/email/", views.account_email, name="account-email"),
    path("notifications/", views.problems_page, name="notification-problems"),
    path("notifications/<int:pk>/send-again/", views.notification_send_again,
         name="notification-send-again"),
]  # fmt: skip
