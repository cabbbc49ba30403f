"""What the looked-after record says a child's date of birth must agree with, for a
correction of the child's details (iro.services.birth_date_checks, registered in
worklists.apps). Worklists knows the areas; iro, below them, does not.

Child protection is left out on purpose: an unborn child's enquiry and conference are
often before the birth (protection.rules.before_birth).
"""

from __future__ import annotations

import datetime as dt

from core.dates import long_date
from reviews.models import Episode, LookedAfterReview, ReviewStatus
from reviews.services import participation_code_problem

# Tests import these.
BORN_AFTER_CARE = "The date of birth cannot be after the child came into care on {date}"
BORN_AFTER_REVIEW = "The date of birth cannot be after the review held on {date}"
BORN_AFTER_CONTACT = "The date of birth cannot be after the IRO's contact on {date}"
CODE_CONTRADICTED = (
    "With this date of birth, the participation code {code} of the review held on {date} "
    "would be wrong ({problem}): correct the review first"
)


def looked_after_birth_problems(*, child, date_of_birth: dt.date) -> list[str]:
    """A period of care, review or IRO contact before the birth; a held review's
    participation code that the child's age on the day would contradict."""
    problems = []
    first_episode = Episode.objects.filter(child=child).order_by("started_on").first()
    if first_episode is not None and first_episode.started_on < date_of_birth:
        problems.append(BORN_AFTER_CARE.format(date=long_date(first_episode.started_on)))
    held = list(
        LookedAfterReview.objects.filter(
            child=child, status=ReviewStatus.HELD, held_on__isnull=False
        ).order_by("held_on")
    )
    if held and held[0].held_on is not None and held[0].held_on < date_of_birth:
        problems.append(BORN_AFTER_REVIEW.format(date=long_date(held[0].held_on)))
    contact = child.iro_contacts.order_by("occurred_on").first()
    if contact is not None and contact.occurred_on < date_of_birth:
        problems.append(BORN_AFTER_CONTACT.format(date=long_date(contact.occurred_on)))
    for review in held:
        if not review.participation_code or review.held_on is None:
            continue
        problem = participation_code_problem(
            review.participation_code, date_of_birth=date_of_birth, held_on=review.held_on
        )
        if problem and review.held_on >= date_of_birth:
            problems.append(
                CODE_CONTRADICTED.format(
                    code=review.participation_code,
                    date=long_date(review.held_on),
                    problem=problem[:1].lower() + problem[1:],
                )
            )
    return problems
