"""Retention: how long a child's records are kept, legal hold, and the nightly job that
anonymises what is due and deletes uploaded returns once loaded (docs/adr/0013)."""
