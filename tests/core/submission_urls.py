"""A tiny form page for the one-time token's tests (core.submissions): each post that
reaches the view adds a group, waiting `?wait=` seconds first (a slow save)."""

import time
import uuid

from django.contrib.auth.models import Group
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import include, path


def save(request):
    if request.method == "POST":
        time.sleep(float(request.GET.get("wait", "0")))
        Group.objects.create(name=f"saved {uuid.uuid4()}")
        return HttpResponseRedirect("/saved/")
    return HttpResponse("form")


def refuse(request):
    return HttpResponse("fix the errors", status=400)


urlpatterns = [
    path("save/", save),
    path("refuse/", refuse),
    path("", include("config.urls")),
]
