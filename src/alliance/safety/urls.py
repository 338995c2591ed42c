from django.urls import path

from . import views

urlpatterns = [
    path("crisis-resources/", views.crisis_resources, name="crisis-resources"),
    path(
        "held-answers/<int:pk>/acknowledge/",
        views.held_answer_acknowledge,
        name="held-answer-acknowledge",
    ),
]
