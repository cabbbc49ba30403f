"""The world every URL is opened in, for the page tests here too."""

from tests.core.test_every_url import world  # noqa: F401 (a fixture)
