"""A tiny form page for the one-time token's tests (core.submissions): each post that
reaches the view adds a group, waiting `?wait=` seconds first (a slow save)."""

import threading
import time
import uuid

from django.contrib.auth.models import Group
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import include, path

# Set once a post reaches the view (its token claimed), so a test can send the second
# click then without reading the database while the first writes (SQLite's in-memory
# test database locks whole tables between connections).
ENTERED = threading.Event()


def save(request):
    if request.method == "POST":
        ENTERED.set()
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
