from django.urls import path

from . import kiosk, views

urlpatterns = [
    path("f/<str:token>/", views.respond, name="respond"),
    path("kiosk/", kiosk.kiosk, name="kiosk"),
    path("kiosk/unlock/", kiosk.kiosk_unlock, name="kiosk-unlock"),
]
