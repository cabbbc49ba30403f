"""Fixtures shared by the restricted-record tests: the every-URL world."""

from tests.core.test_every_url import world  # noqa: F401 (a fixture)
