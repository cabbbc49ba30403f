"""The Standard Safeguarding Dataset (SSD): an extract of one CSV per table, loaded nightly."""
