"""Values every page needs: whether this is demo data. (What the user may do is
``can``, from access.context_processors.)"""


def site(request):
    user = request.user
    return {"is_demo_site": bool(user.is_authenticated and user.is_demo)}
