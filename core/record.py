"""Sections of a child's record contributed by the layers that know more of the child.

The record page (worklists) lists the areas' records itself; a layer beside it, such as
returns' data-quality findings, registers a section provider here instead of being
imported by the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from core.plugins import Registry


@dataclass(frozen=True)
class RecordSection:
    """A template to include on the child's record, with its context; a `banner` is shown
    at the top of the record, above its heading, rather than among its sections."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    banner: bool = False


# provider(*, child, as_of) -> RecordSection | None
child_record_sections = Registry("child record sections")


def record_sections_for(*, child: Any, as_of: dt.date) -> list[RecordSection]:
    sections = []
    for provider in child_record_sections:
        section = provider(child=child, as_of=as_of)
        if section is not None:
            sections.append(section)
    return sections
