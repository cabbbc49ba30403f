"""Who may open a page, by role, for the every-URL walk (tests/core/test_every_url.py)."""

ALL = {"iro", "business_support", "head_of_service", "administrator"}
IRO_WORK = {"iro", "administrator"}
BOOKING = {"business_support", "administrator"}
HEAD = {"head_of_service", "administrator"}
IMPORTS = {"business_support", "administrator"}
