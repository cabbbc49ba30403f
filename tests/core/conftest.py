"""Fixtures shared by the page tests: the world every URL is opened in."""

from tests.core.test_every_url import world  # noqa: F401 (a fixture)
