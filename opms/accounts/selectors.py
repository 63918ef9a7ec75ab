"""Reads about users and roles."""

from opms.accounts.models import User


def users_in_role(role: str):
    return User.objects.filter(groups__name=role, is_active=True).order_by("username")
