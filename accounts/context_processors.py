"""Values every page needs: the user's role flags and whether this is demo data."""

from accounts.permissions import can_import_plans, can_manage_accounts, can_read_audit_log


def site(request):
    user = request.user
    demo = False
    if user.is_authenticated:
        demo = user.is_demo
    return {
        "is_demo_site": demo,
        "can_manage_accounts": can_manage_accounts(user),
        "can_read_audit_log": can_read_audit_log(user),
        "can_import_plans": can_import_plans(user),
    }
