from django.urls import path

from . import views

urlpatterns = [path("f/<str:token>/", views.respond, name="respond")]
