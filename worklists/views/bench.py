"""The bare page the page benchmarks compare every page with (dev and bench only)."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render

from core.permissions import role_required
from iro.models import Child


@role_required()
def bare(request):
    """A signed-in page of one query, through the same middleware and base template."""
    if not (settings.DEBUG or settings.OVERSIGHT_BENCH_PAGES):
        raise Http404
    return render(request, "worklists/bench_bare.html", {"any": Child.objects.exists()})
