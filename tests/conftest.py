"""Personas and shared fixtures: an IRO, business support, the Head of Service, an
administrator, and someone signed in with no role at all."""

import pytest
from django.contrib.auth.models import Group

from core.roles import Role
from tests.factories import IROFactory, UserFactory


def _with_role(user, role: Role):
    user.groups.add(Group.objects.get(name=role.label))
    return user


@pytest.fixture
def iro(db):
    """An IRO's profile; its user is `iro.user`."""
    profile = IROFactory(user=UserFactory(username="iro", first_name="Ada", last_name="Reviewer"))
    _with_role(profile.user, Role.IRO)
    return profile


@pytest.fixture
def business_support(db):
    return _with_role(UserFactory(username="support"), Role.BUSINESS_SUPPORT)


@pytest.fixture
def head_of_service(db):
    return _with_role(UserFactory(username="head"), Role.HEAD_OF_SERVICE)


@pytest.fixture
def administrator(db):
    user = UserFactory(username="admin", is_staff=True)
    return _with_role(user, Role.ADMINISTRATOR)


@pytest.fixture
def no_role(db):
    return UserFactory(username="norole")


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing cached (the report's figures, reporting/cache.py)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def records_fingerprint_prepared(request):
    """A test with the database starts on a connection that has prepared the records'
    fingerprint (core.kept: once a connection, as a live server's first request does), so
    a page's queries counted in a test are the same whether it runs first or later."""
    wanted = {"db", "transactional_db"} & set(request.fixturenames)
    if request.node.get_closest_marker("django_db") is None and not wanted:
        return
    request.getfixturevalue("_django_db_helper")
    from core.kept import history_fingerprint

    history_fingerprint()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Modules that load the sample council's three years, run the DfE validators, build the
# demo unit or migrate from an old schema: left out of `make test-fast`, always in
# `make test` and CI.
SLOW_MODULES = {
    "test_seed_demo.py",
    "test_schemathesis.py",
    "test_migrations_forward.py",
    "test_ssda903_sample.py",
    "test_cin_census_dfe_rules.py",
    "test_cin_census.py",
    "test_annual_report_sample.py",
    "test_data_quality.py",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.name in SLOW_MODULES or "three_years" in item.name:
            item.add_marker(pytest.mark.slow)
