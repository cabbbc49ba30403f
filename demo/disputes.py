"""IRO challenges: most settled informally (Report ¶40), some escalated up the ladder.

Today's open challenges cover every formal level, some with the response overdue, and
two challenges were also referred to Cafcass.
"""

from __future__ import annotations

import datetime as dt

from demo import names
from demo.builder import DemoBuilder
from demo.looked_after import LookedAfter, PeriodStory
from demo.parts import ADDRESSEES
from demo.parts import DISPUTE_CATEGORIES as CATEGORY_WEIGHTS
from disputes.models import (
    Dispute,
    DisputeLevel,
    DisputeStage,
    DisputeStatus,
    StageOutcome,
)
from disputes.rules import formal_process_due, stage_response_due

# Formal challenges still open today: (level rank, response overdue?).
OPEN_FORMAL = [
    (1, False), (1, True), (1, False), (2, True), (2, False), (3, False), (3, True),
    (4, False), (5, True),
]  # fmt: skip
# Formal challenges resolved, by the level that resolved them.
RESOLVED_FORMAL = [1] * 7 + [2] * 5 + [3] * 2 + [4, 5]


class Disputes:
    def __init__(self, b: DemoBuilder, looked_after: LookedAfter):
        self.b = b
        self.stories = [s for s in looked_after.stories if s.end is None or s.end > b.since]

    def build(self) -> None:
        b = self.b
        if not b.levels:
            return
        long_open = [s for s in self.stories if s.end is None and (b.as_of - s.start).days > 240]
        for _ in range(28):
            story, raised = self._when(days_before_today=30)
            dispute = self._dispute(story, raised)
            dispute.status = DisputeStatus.RESOLVED
            dispute.resolved_on = min(raised + b.days(2, 20), b.as_of)
            dispute.outcome = b.rng.choice(names.INFORMAL_OUTCOMES)
        for _ in range(3):
            story, raised = self._when(days_before_today=30)
            self._dispute(story, raised).status = DisputeStatus.WITHDRAWN
        for i, rank in enumerate(RESOLVED_FORMAL):
            story, raised = self._when(days_before_today=120)
            cafcass = i == RESOLVED_FORMAL.index(3)  # one resolved challenge went to Cafcass
            self._formal(story, raised, rank=rank, cafcass=cafcass)
        for _ in range(6):
            story = b.rng.choice(long_open)
            self._dispute(story, b.as_of - b.days(1, 25))
        for i, (rank, overdue) in enumerate(OPEN_FORMAL):
            self._open_formal(
                b.rng.choice(long_open),
                rank=rank,
                overdue=overdue,
                cafcass=i == len(OPEN_FORMAL) - 1,
            )

    def _when(self, *, days_before_today: int) -> tuple[PeriodStory, dt.date]:
        """A looked-after child and a day in their period, in the last four years."""
        b = self.b
        while True:
            story = b.rng.choice(self.stories)
            first = max(story.start + dt.timedelta(days=30), b.since)
            last = min(story.end or b.as_of, b.as_of - dt.timedelta(days=days_before_today))
            if first < last:
                return story, b.working_on_or_before(b.between(first, last))

    def _dispute(self, story: PeriodStory, raised: dt.date) -> Dispute:
        b = self.b
        category = b.weighted(CATEGORY_WEIGHTS)
        return b.add(
            Dispute(
                child=story.kid.child,
                raised_by=b.iro_at(story.kid.fam, raised),
                raised_on=raised,
                category=category,
                summary=names.DISPUTE_SUMMARIES[category],
                status=DisputeStatus.INFORMAL,
            )
        )

    def _level(self, rank: int) -> DisputeLevel:
        return self.b.levels[min(rank, len(self.b.levels)) - 1]

    def _path(self, rank: int) -> list[int]:
        """The ranks a challenge passed through to reach `rank` (the IRO may skip one)."""
        b = self.b
        first = 2 if rank >= 2 and b.chance(0.15) else 1
        path = [first]
        while path[-1] < rank:
            step = 2 if path[-1] + 2 <= rank and b.chance(0.1) else 1
            path.append(path[-1] + step)
        return path

    def _stage(self, dispute: Dispute, rank: int, started_on: dt.date) -> DisputeStage:
        b = self.b
        level = self._level(rank)
        due = stage_response_due(
            started_on,
            level_name=level.name,
            working_days=level.response_working_days,
            calendar=b.calendar,
        )
        return b.add(
            DisputeStage(
                dispute=dispute,
                level=level,
                addressee=ADDRESSEES.get(rank, level.name),
                started_on=started_on,
                response_due_on=due.on,
            )
        )

    def _formal(self, story: PeriodStory, raised: dt.date, *, rank: int, cafcass: bool) -> None:
        """A challenge that went formal and was resolved at `rank`."""
        b = self.b
        dispute = self._dispute(story, raised)
        day = b.add_wd(raised, b.rng.randint(3, 12))
        first_stage = day
        path = self._path(rank)
        for i, step in enumerate(path):
            stage = self._stage(dispute, step, day)
            if i == len(path) - 1:
                stage.responded_on = b.add_wd(day, b.rng.randint(1, 7))
                stage.response = b.rng.choice(names.STAGE_RESPONSES)
                stage.outcome = StageOutcome.RESOLVED
                dispute.status = DisputeStatus.RESOLVED
                dispute.resolved_on = stage.responded_on
                dispute.resolved_at_level = stage.level
                break
            stage.outcome = StageOutcome.ESCALATED
            if b.chance(0.8):
                stage.responded_on = b.add_wd(day, b.rng.randint(2, 8))
                stage.response = b.rng.choice(names.STAGE_ESCALATION_RESPONSES)
                day = b.add_wd(stage.responded_on, b.rng.randint(1, 4))
            else:  # no response: the IRO escalates once the response is overdue
                day = b.add_wd(stage.response_due_on, b.rng.randint(1, 3))
        self._formal_due(dispute, first_stage)
        if cafcass:
            dispute.cafcass_referred_on = b.add_wd(first_stage, b.rng.randint(5, 15))

    def _open_formal(self, story: PeriodStory, *, rank: int, overdue: bool, cafcass: bool):
        """A formal challenge awaiting a response at `rank`, due or already overdue."""
        b = self.b
        path = self._path(rank)
        last = b.sub_wd(b.as_of, b.rng.randint(7, 15) if overdue else b.rng.randint(0, 3))
        starts = [last]
        responses: list[dt.date | None] = []
        for _ in path[:-1]:
            responded = b.sub_wd(starts[0], b.rng.randint(1, 4))
            starts.insert(0, b.sub_wd(responded, b.rng.randint(2, 8)))
            responses.insert(0, responded)
        raised = b.sub_wd(starts[0], b.rng.randint(3, 12))
        dispute = self._dispute(story, raised)
        dispute.status = DisputeStatus.FORMAL
        for i, (step, day) in enumerate(zip(path, starts, strict=True)):
            stage = self._stage(dispute, step, day)
            if i < len(path) - 1:
                stage.responded_on = responses[i]
                stage.response = b.rng.choice(names.STAGE_ESCALATION_RESPONSES)
                stage.outcome = StageOutcome.ESCALATED
        self._formal_due(dispute, starts[0])
        if cafcass:
            dispute.cafcass_referred_on = b.add_wd(raised, b.rng.randint(3, 8))
            if dispute.cafcass_referred_on > b.as_of:
                dispute.cafcass_referred_on = raised

    def _formal_due(self, dispute: Dispute, first_stage: dt.date) -> None:
        b = self.b
        dispute.formal_due_on = formal_process_due(
            first_stage, calendar=b.calendar, timescales=b.timescales
        ).on
