"""Error pages in the user's language, with the reason where there is one."""

from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _


def forbidden(request, exception=None):
    from planwatch.http import wants_json

    if wants_json(request):  # a script's request: a status and a sentence, not a page
        return JsonResponse(
            {"code": "forbidden", "message": _("You may not do this now.")}, status=403
        )
    return render(request, "errors/403.html", status=403)


def not_found(request, exception=None):
    message = ""
    if exception is not None and exception.args and isinstance(exception.args[0], str):
        message = exception.args[0]
    if request.path.startswith("/api/"):  # an address no API route matches: the API's shape
        return JsonResponse(
            {"code": "not_found", "message": _("There is nothing at this address."), "fields": {}},
            status=404,
        )
    return render(request, "errors/404.html", {"message": message}, status=404)


def server_error(request):
    # No context processors: the database may be what failed.
    return HttpResponseServerError(loader.get_template("errors/500.html").render())
