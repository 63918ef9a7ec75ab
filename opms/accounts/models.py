"""Users, sales teams and role membership."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from opms.accounts.roles import Role


def _is_cjk(text: str) -> bool:
    return any("\u4e00" <= character <= "\u9fff" for character in text)


class Team(models.Model):
    """A sales team; orders and customers belong to one."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    leader = models.ForeignKey(
        "accounts.User",
        verbose_name=_("leader"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_teams",
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """An OPMS user; what they may do comes from their role groups."""

    class Scope(models.TextChoices):
        OWN = "own", _("Own orders and customers")
        TEAM = "team", _("The team's orders and customers")
        ALL = "all", _("All orders and customers")

    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    sales_scope = models.CharField(
        _("sales sees"),
        max_length=4,
        choices=Scope.choices,
        default=Scope.TEAM,
        help_text=_("Which orders and customers a sales user sees; other roles see all."),
    )

    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="zh-hans",
        help_text=_("The language of the e-mails OPMS sends this user."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        """Chinese names read family name first, without a space (王芳); others as Django does."""
        first, last = self.first_name.strip(), self.last_name.strip()
        if _is_cjk(first) or _is_cjk(last):
            return f"{last}{first}"
        return super().get_full_name()

    @property
    def display_name(self) -> str:
        return str(self)

    def has_role(self, role: Role) -> bool:
        """True when the user is in the group of `role` (admins hold every role)."""
        names = self._role_names()
        return role in names or (self.is_superuser and self.is_active)

    def role_names(self) -> set[str]:
        return set(self._role_names())

    def _role_names(self) -> frozenset[str]:
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            cached = (
                frozenset(self.groups.values_list("name", flat=True)) if self.pk else frozenset()
            )
            self._role_cache = cached
        return cached
