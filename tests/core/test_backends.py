"""Model permissions read in one query (core.backends), with Django's answers."""

import pytest
from django.contrib.auth import backends as django_backends
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.backends import ModelBackend
from core.models import User
from core.roles import Role, role_permissions
from tests.conftest import _with_role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def fresh(user):
    """The person as a new request loads them: nothing worked out yet."""
    return User.objects.get(pk=user.pk)


def test_a_roles_permissions_and_a_persons_own_are_read_in_one_query():
    granted = sorted(role_permissions()[Role.BUSINESS_SUPPORT])[0]
    user = _with_role(UserFactory(), Role.BUSINESS_SUPPORT)
    own = Permission.objects.get(codename="delete_user")
    user.user_permissions.add(own)
    user = fresh(user)
    with CaptureQueriesContext(connection) as queries:
        assert user.has_perm(granted)  # their role's
        assert user.has_perm("core.delete_user")  # given to them alone
        assert not user.has_perm("core.delete_accessevent")
    assert len(queries) == 1


@pytest.mark.parametrize(
    "make",
    [
        lambda: _with_role(UserFactory(), Role.IRO),
        lambda: UserFactory(is_superuser=True),
        lambda: _with_role(UserFactory(is_active=False), Role.BUSINESS_SUPPORT),
        lambda: UserFactory(),
    ],
    ids=["an IRO", "a superuser", "someone who has left", "someone with no role"],
)
def test_the_answers_are_djangos(make):
    user = make()
    djangos = django_backends.ModelBackend().get_all_permissions(fresh(user))
    assert ModelBackend().get_all_permissions(fresh(user)) == djangos
