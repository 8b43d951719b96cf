"""The signed-in account's notices: the list (newest first, unread marked), opening
one (it is marked read and leads to its page), and the choice of e-mail per kind."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from access.decorators import signed_in
from access.lookups import get_notice_for_user
from notices import services
from notices.forms import PreferencesForm, ReadForm
from notices.models import Notice


@signed_in
def notice_list(request):
    if request.method == "POST":
        if ReadForm(request.POST).is_valid():
            services.mark_read(request.user)
        return redirect("notices:list")
    page = Paginator(Notice.objects.filter(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notices/list.html", {"page": page})


@signed_in
def notice_open(request, pk: int):
    notice = get_notice_for_user(request.user, pk)
    services.mark_read(request.user, notice)
    safe = url_has_allowed_host_and_scheme(notice.url, allowed_hosts=None)
    return redirect(notice.url if notice.url and safe else "notices:list")


@signed_in
def preferences(request):
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            services.set_email_choices(request.user, form.choices())
            messages.success(request, _("Your choices are saved."))
            return redirect("notices:preferences")
    else:
        form = PreferencesForm(initial=services.email_choices(request.user))
    return render(request, "notices/preferences.html", {"form": form})
