"""The four roles: visitor (anonymous), member, editor, admin.

Members and editors are Django groups (created by a migration); admins are superusers.
Views ask `can_edit(user)` / `is_member(user)`; templates get `role` from the context
processor. Nothing else in the code base looks at groups directly.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

MEMBER, EDITOR = "member", "editor"
ROLES = ("visitor", MEMBER, EDITOR, "admin")


def role_of(user) -> str:
    if not user or not user.is_authenticated:
        return "visitor"
    if user.is_superuser:
        return "admin"
    if not hasattr(user, "_territoria_role"):  # one groups query per request, not one per check
        names = {g.name for g in user.groups.all()}
        user._territoria_role = EDITOR if EDITOR in names else MEMBER  # every account is at least a member
    return user._territoria_role


def is_member(user) -> bool:
    return role_of(user) != "visitor"


def can_edit(user) -> bool:
    return role_of(user) in (EDITOR, "admin")


def editor_required(view):
    """Anonymous users go to the login page; signed-in non-editors get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_edit(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def context_processor(request):
    role = role_of(getattr(request, "user", None))
    return {"role": role, "can_edit": role in (EDITOR, "admin")}
