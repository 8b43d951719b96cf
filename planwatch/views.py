"""The trivial view of the benchmarks (bench/pages.py): a signed-in request through
the whole middleware (session, account, CSRF, language) answered with no work, so
that a page's time can be given as a ratio to it. Off (404) unless the server runs
with PLANWATCH_BENCH=1."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse

from access.decorators import signed_in


@signed_in
def trivial(request):
    if not settings.BENCH_VIEWS:
        raise Http404
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
