"""Notes on a year's annual report from the layers beside reporting (docs/adr/0008-layers.md).

An app registers a provider, `(year) -> list of {"figure": key, "text": note}`, in its
AppConfig.ready(); reporting puts every note in the report (report["notes"]) without
importing the app. returns says when a figure came from an SSD extract, which cannot
carry it.
"""

from __future__ import annotations

from core.plugins import Registry

report_notes = Registry("annual report notes")


def report_notes_for(year: int) -> list[dict[str, str]]:
    """Every registered provider's notes on the year starting 1 April `year`."""
    return [note for provider in report_notes for note in provider(year)]
