"""Load SSDA903 returns into Oversight, refusing the whole load if anything is wrong.

Every row loaded is kept per child and year (`ReturnRow`). A child's records (values,
episodes, reviews, adoption decisions) are then derived from all the years on file for
that child, so any order of loading, or loading a year twice, gives the same records:

- the child's values come from the latest year's header;
- a row found in several years (an episode by its start, a review by its date, an
  adoption decision by its date) takes the latest year's values (`later_return_wins`);
- a later return's episodes replace an earlier return's episodes that they overlap
  (a corrected start date), since each return lists every episode of its year.

Records entered in Oversight (no return year) are kept; a return row with the same key
updates one, and an episode of a return that overlaps one is refused.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from core.dates import long_date, year_end
from core.models import later_return_wins
from core.services import rows_create_with_history, rows_update_with_history
from iro.models import Child
from iro.services import ImportedValue, children_upsert_from_return
from returns.data_quality import continuity_after_load
from returns.models import ImportRun, ReturnRow, ReturnTable
from returns.rules import same_review_pairs
from returns.services import DisagreementTally, import_disagreements_record
from returns.ssda903.reading import (
    MODELLED,
    Problems,
    Progress,
    Row,
    YearReturn,
    return_read,
    row_read,
    year_label,
)
from returns.ssda903.tables import parse_date
from reviews.models import (
    AdoptionDecision,
    Episode,
    LookedAfterReview,
    MissingEpisode,
    MissingKind,
    ReviewStatus,
    UascStatus,
)
from reviews.records_begin import records_begin_move
from reviews.rules import EpisodeFacts, episodes_overlap, periods_from_episodes
from reviews.services import children_periods_rebuild

MAX_PROBLEMS_SHOWN = 50
_CHUNK = 2000


class ReturnRefused(Exception):
    """The returns were not loaded; `problems` says where and why."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        shown = "\n".join(f"  {p}" for p in self.problems[:MAX_PROBLEMS_SHOWN])
        more = len(self.problems) - MAX_PROBLEMS_SHOWN
        if more > 0:
            shown += f"\n  ... and {more} more"
        super().__init__(
            f"Nothing was loaded: {len(self.problems)} problem"
            f"{'' if len(self.problems) == 1 else 's'} in the files.\n{shown}"
        )


@dataclass
class Tally:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0

    def __str__(self) -> str:
        text = f"added {self.added}, changed {self.changed}, unchanged {self.unchanged}"
        return text + (f", removed {self.removed}" if self.removed else "")


@dataclass
class ImportSummary:
    years: list[str]
    tallies: dict[str, Tally]
    return_rows: int
    children_rescheduled: int
    seconds: float = 0.0
    # What the returns gave for details people corrected in Oversight (kept as they were),
    # and the disagreements recorded from them (none when the caller records them).
    found: list[ImportedValue] = field(default_factory=list)
    disagreements: DisagreementTally = field(default_factory=DisagreementTally)


def returns_import(
    *,
    directories: Iterable[Path],
    year: int | None = None,
    progress: Progress | None = None,
    import_run: ImportRun | None = None,
    record_disagreements: bool = True,
):
    """Check and load one or more years' SSDA903 CSVs, then recompute every due date.

    `year` (2019 for 2019-20) is the council's word for the year of every directory
    given (meant for a single return); without it each directory's name must say.
    Each row's dates are checked against that year, never the other way round.
    A child's details corrected in Oversight are kept, and where the returns disagree
    the difference is recorded (for `import_run`, if given), unless the caller records
    the summary's `found` itself (`record_disagreements` false: an SSD extract's load).

    Raises ReturnRefused, having saved nothing, if any file has a problem.
    """
    say = progress or (lambda _: None)
    started = time.monotonic()
    problems = Problems()
    returns: dict[int, YearReturn] = {}
    for directory in directories:
        result = return_read(Path(directory), problems, say, year=year)
        if result is None:
            continue
        if result.year in returns:
            say(f"{result.label} was given twice: loading {result.source}, the last given")
        returns[result.year] = result
    for result in returns.values():
        _missing_check(result, problems)
    if problems:
        raise ReturnRefused(problems.items)

    years = sorted(returns)
    say("Comparing with the records on file...")
    stored = _StoredState.load(returns, problems)
    plan = _Plan.build(returns, stored, problems)
    if problems:
        raise ReturnRefused(problems.items)

    reason = f"SSDA903 import ({', '.join(year_label(y) for y in years)})"
    with transaction.atomic():
        rows = plan.save(returns, reason, say)
        rescheduled = [child.pk for child in plan.children.values()]
        rescheduled += _records_begin_moved(reason)
        say("Saving UASC statuses and missing episodes")
        plan.tallies.update(
            missing_and_uasc_save(child_pks=[c.pk for c in plan.children.values()], reason=reason)
        )
        say(f"Rebuilding periods of care and review due dates for {len(plan.children):,} children")
        try:
            children_periods_rebuild(
                child_ids=rescheduled,
                episodes_to_add=plan.new_episodes,
                reviews_to_add=plan.new_reviews,
                change_reason=reason,
            )
        except ValidationError as exc:
            raise ReturnRefused(exc.messages) from exc
        disagreements = DisagreementTally()
        if record_disagreements:
            disagreements = import_disagreements_record(
                found=plan.found,
                source=f"the SSDA903 return {', '.join(year_label(y) for y in years)}",
                import_run=import_run,
            )
        continuity_after_load()  # returns.data_quality: the year-to-year rule, the figures
    return ImportSummary(
        years=[year_label(y) for y in years],
        tallies=plan.tallies,
        return_rows=rows,
        children_rescheduled=len(plan.children),
        seconds=time.monotonic() - started,
        found=plan.found,
        disagreements=disagreements,
    )


# What is already on file ------------------------------------------------------------------


@dataclass
class _StoredState:
    """The records on file for every child the returns touch."""

    children: dict[str, Child] = field(default_factory=dict)
    # child ID -> year -> table -> rows, from years loaded before and not being replaced
    years: dict[str, dict[int, dict[str, list[Row]]]] = field(default_factory=dict)
    episodes: dict[int, list[Episode]] = field(default_factory=dict)
    reviews: dict[int, list[LookedAfterReview]] = field(default_factory=dict)
    decisions: dict[int, list[AdoptionDecision]] = field(default_factory=dict)

    @classmethod
    def load(cls, returns: dict[int, YearReturn], problems: Problems) -> _StoredState:
        state = cls()
        replaced = list(returns)
        ids = set()
        for result in returns.values():
            ids.update(result.header())
        # A corrected return may leave out a child an earlier load of that year had.
        ids.update(
            ReturnRow.objects.filter(year__in=replaced, table=ReturnTable.HEADER).values_list(
                "child__child_id", flat=True
            )
        )
        ordered = sorted(ids)
        for chunk in _chunks(ordered):
            state.children.update(Child.objects.in_bulk(chunk, field_name="child_id"))
        by_pk = {child.pk: child.child_id for child in state.children.values()}
        pks = sorted(by_pk)
        for chunk in _chunks(pks):
            earlier = (
                ReturnRow.objects.filter(child_id__in=chunk, table__in=MODELLED)
                .exclude(year__in=replaced)
                .values_list("child_id", "year", "table", "position", "values")
            )
            for child_pk, year, table, position, values in earlier:
                child_id = by_pk[child_pk]
                row = row_read(
                    table,
                    {"CHILD": child_id, **values},
                    where=f"the {year_label(year)} return loaded earlier ({table})",
                    position=position,
                    year=year,
                    problems=problems,
                )
                tables = state.years.setdefault(child_id, {}).setdefault(year, {})
                tables.setdefault(table, []).append(row)
            state.episodes.update(_by_child(Episode.objects.filter(child_id__in=chunk)))
            state.reviews.update(
                _by_child(
                    LookedAfterReview.objects.filter(child_id__in=chunk, status=ReviewStatus.HELD)
                )
            )
            state.decisions.update(_by_child(AdoptionDecision.objects.filter(child_id__in=chunk)))
        return state


def _chunks(values: Sequence):
    for i in range(0, len(values), _CHUNK):
        yield values[i : i + _CHUNK]


def _by_child(rows) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(row.child_id, []).append(row)
    return grouped


# What the returns say ----------------------------------------------------------------


@dataclass
class ChildRecords:
    """One child's records as every year on file says, each row with its year."""

    year: int | None  # None: no year on file has the child any more
    values: dict
    episodes: list[tuple[Row, int]]
    reviews: list[tuple[Row, int]]
    decisions: list[tuple[Row, int]]


def child_records_derive(years: dict[int, dict[str, list[Row]]]) -> ChildRecords:
    """A child's records from the returns of every year the child is in (a pure function)."""
    latest = max((y for y, tables in years.items() if tables.get(ReturnTable.HEADER)), default=None)
    if latest is None:
        return ChildRecords(year=None, values={}, episodes=[], reviews=[], decisions=[])

    def merged(table: str, key: str) -> dict:
        kept: dict = {}
        for year in sorted(years):
            for row in years[year].get(table, []):
                here = kept.get(row.fields[key])
                if here is None or later_return_wins(here[1], year):
                    kept[row.fields[key]] = (row, year)
        return kept

    # Latest year first: a later return's episode replaces earlier ones it overlaps.
    episodes: list[tuple[Row, int]] = []
    for row, year in sorted(
        merged(ReturnTable.EPISODES, "started_on").values(),
        key=lambda ry: (-ry[1], ry[0].fields["started_on"]),
    ):
        if not any(_replaces(kept, row, year) for kept, _ in episodes):
            episodes.append((row, year))
    episodes.sort(key=lambda ry: ry[0].fields["started_on"])
    return ChildRecords(
        year=latest,
        values=years[latest][ReturnTable.HEADER][0].fields,
        episodes=episodes,
        reviews=sorted(
            merged(ReturnTable.REVIEWS, "held_on").values(),
            key=lambda ry: ry[0].fields["held_on"],
        ),
        decisions=sorted(
            merged(ReturnTable.PLACED_ADOPTION, "decided_on").values(),
            key=lambda ry: ry[0].fields["decided_on"],
        ),
    )


def _replaces(later: Row, earlier: Row, year: int) -> bool:
    """Whether a later return's episode contradicts an earlier return's (of `year`).

    An episode still open in its return was known to last until that year's 31 March,
    no further: a later episode starting after then does not contradict it.
    """
    known_end = earlier.fields["ended_on"] or year_end(year)
    return (
        earlier.fields["started_on"] < (later.fields["ended_on"] or dt.date.max)
        and later.fields["started_on"] < known_end
    )


def _review_values(row: Row) -> dict:
    return {"participation_code": row.fields["participation_code"]}


def _decision_values(row: Row) -> dict:
    return {k: row.fields[k] for k in ("ceased_on", "reason_ceased")}


def _episode_values(row: Row) -> dict:
    return {k: v for k, v in row.fields.items() if k != "started_on"}


@dataclass
class _Changes:
    """Rows of one kind to add, change or remove."""

    add: list = field(default_factory=list)
    change: list = field(default_factory=list)
    fields: set = field(default_factory=set)
    year_only: list = field(default_factory=list)
    remove: list = field(default_factory=list)


@dataclass
class _Plan:
    children: dict[str, Child] = field(default_factory=dict)
    tallies: dict[str, Tally] = field(default_factory=dict)
    episodes: _Changes = field(default_factory=_Changes)
    reviews: _Changes = field(default_factory=_Changes)
    decisions: _Changes = field(default_factory=_Changes)
    new_episodes: list[Episode] = field(default_factory=list)
    new_reviews: list[LookedAfterReview] = field(default_factory=list)
    child_rows: dict[str, tuple[int, dict]] = field(default_factory=dict)
    derived: dict[str, ChildRecords] = field(default_factory=dict)
    found: list[ImportedValue] = field(default_factory=list)

    @classmethod
    def build(cls, returns: dict[int, YearReturn], stored: _StoredState, problems: Problems):
        plan = cls(
            tallies={k: Tally() for k in ("Children", "Episodes", "Reviews", "Adoption decisions")}
        )
        years = {child_id: dict(by_year) for child_id, by_year in stored.years.items()}
        for year, result in returns.items():
            for table, rows in result.rows.items():
                if table in MODELLED:
                    for row in rows:
                        years.setdefault(row.child_id, {}).setdefault(year, {}).setdefault(
                            table, []
                        ).append(row)
        for child_id in sorted(set(years) | set(stored.children)):
            # A child only in a year being replaced, and left out of it now, keeps what
            # was entered in Oversight and loses what came from returns.
            records = child_records_derive(years.get(child_id, {}))
            plan.derived[child_id] = records
            if records.year is not None:
                plan.child_rows[child_id] = (records.year, records.values)
            else:
                plan.children[child_id] = stored.children[child_id]
        return plan.compare(stored, problems)

    def compare(self, stored: _StoredState, problems: Problems) -> _Plan:
        for child_id, records in self.derived.items():
            child = stored.children.get(child_id)
            pk = child.pk if child else None
            kept_episodes = self._compare_episodes(records, stored.episodes.get(pk, []), problems)
            kept_reviews = self._compare(
                "Reviews",
                self.reviews,
                records.reviews,
                stored.reviews.get(pk, []),
                key="held_on",
                values=_review_values,
                keep_own=True,
            )
            self._compare(
                "Adoption decisions",
                self.decisions,
                records.decisions,
                stored.decisions.get(pk, []),
                key="decided_on",
                values=_decision_values,
            )
            _periods_check(child_id, records, kept_episodes, kept_reviews, problems)
        return self

    def _compare_episodes(self, records: ChildRecords, stored: list[Episode], problems):
        """Plan the episode changes; return the child's episodes entered in Oversight."""
        by_start = {e.started_on: e for e in stored}
        tally = self.tallies["Episodes"]
        for row, year in records.episodes:
            episode = by_start.pop(row.fields["started_on"], None)
            self._compare_one(tally, self.episodes, row, year, episode, _episode_values(row))
        own = []
        for episode in by_start.values():
            if episode.return_year is not None:
                self.episodes.remove.append(episode)
                tally.removed += 1
                continue
            own.append(episode)
            mine = {"started_on": episode.started_on, "ended_on": episode.ended_on}
            for row, _ in records.episodes:
                if episodes_overlap(row.fields, mine):
                    problems.add(
                        row.where,
                        f"{row.child_id}'s episode starting {row.values['DECOM']} overlaps the "
                        f"episode starting {episode.started_on:%d/%m/%Y} entered in Oversight",
                        row=row.position,
                        column="DECOM",
                    )
        return own

    def _compare(self, kind, changes, derived, stored, *, key, values, keep_own=False):
        """Plan one kind's changes; return its rows entered in Oversight.

        With `keep_own` (reviews), a row a person recorded in Oversight keeps its values
        where the return's differ, and the difference is noted (`found`)."""
        by_key = {getattr(r, key): r for r in stored}
        tally = self.tallies[kind]
        if keep_own:
            derived = self._own_redated(tally, derived, by_key, key)
        for row, year in derived:
            mine = by_key.pop(row.fields[key], None)
            own = keep_own and mine is not None and mine.return_year is None
            if own and self._own_kept(tally, mine, values(row)):
                continue
            self._compare_one(tally, changes, row, year, mine, values(row))
        own = []
        for row in by_key.values():
            if row.return_year is None:
                own.append(row)
            else:
                changes.remove.append(row)
                tally.removed += 1
        return own

    def _own_redated(self, tally: Tally, derived: list, by_key: dict, key: str) -> list:
        """The return's reviews less those taken to be a review recorded in Oversight on
        another day (returns.rules.same_review_pairs): that review is kept as it is and
        the difference of day noted; taking the return's day corrects it, and the next
        load then matches the two by their day."""
        theirs = {row.fields[key]: row for row, _ in derived if row.fields[key] not in by_key}
        ours = {
            day: review
            for day, review in by_key.items()
            if review.return_year is None and day not in {r.fields[key] for r, _ in derived}
        }
        pairs = same_review_pairs(sorted(ours), sorted(theirs))
        for our_day, their_day in pairs:
            review = by_key[our_day]  # stays one of the child's own, kept as it is
            tally.unchanged += 1
            self.found.append(
                ImportedValue(
                    child_pk=review.child_id,
                    record_kind="review",
                    record_pk=review.pk,
                    field=key,
                    ours=our_day,
                    theirs=their_day,
                    record_label=f"Looked-after review held on {long_date(our_day)}",
                )
            )
        paired = {their_day for _, their_day in pairs}
        return [(row, year) for row, year in derived if row.fields[key] not in paired]

    def _own_kept(self, tally: Tally, review: LookedAfterReview, values: dict) -> bool:
        """Keep a review recorded in Oversight whose values the return contradicts (True),
        noting each difference; one the return agrees with is the return's from now on."""
        assert review.held_on is not None  # a held review has its date (a constraint)
        label = f"Looked-after review held on {long_date(review.held_on)}"
        codes = dict(LookedAfterReview._meta.get_field("participation_code").flatchoices)
        # Matched by its day: a difference of day noted earlier is settled.
        self.found.append(
            ImportedValue(
                child_pk=review.child_id,
                record_kind="review",
                record_pk=review.pk,
                field="held_on",
                ours=review.held_on,
                theirs=review.held_on,
            )
        )
        differ = False
        for name, theirs in values.items():
            ours = getattr(review, name)
            differ |= ours != theirs
            self.found.append(
                ImportedValue(
                    child_pk=review.child_id,
                    record_kind="review",
                    record_pk=review.pk,
                    field=name,
                    ours=ours,
                    theirs=theirs,
                    record_label=label,
                    ours_text=f"{ours}: {codes.get(ours, ours)}",
                    theirs_text=f"{theirs}: {codes.get(theirs, theirs)}",
                )
            )
        if differ:
            tally.unchanged += 1
        return differ

    @staticmethod
    def _compare_one(tally: Tally, changes: _Changes, row: Row, year: int, stored, values):
        if stored is None:
            changes.add.append((row, year))
            tally.added += 1
            return
        # The derived values already let the latest year win (later_return_wins), and a
        # row entered in Oversight (no year) takes the return's values too.
        differ = [k for k, v in values.items() if getattr(stored, k) != v]
        for name in differ:
            setattr(stored, name, values[name])
        if differ:
            changes.change.append(stored)
            changes.fields.update(differ)
            tally.changed += 1
        else:
            tally.unchanged += 1
            if stored.return_year != year:
                changes.year_only.append(stored)
        stored.return_year = year

    # Saving -------------------------------------------------------------------------

    def save(self, returns: dict[int, YearReturn], reason: str, say: Progress) -> int:
        say(f"Saving {len(self.child_rows):,} children")
        upserted = children_upsert_from_return(
            rows=self.child_rows, change_reason=reason, found=self.found
        )
        for child_id, (child, status) in upserted.items():
            self.children[child_id] = child
            tally = self.tallies["Children"]
            setattr(tally, status, getattr(tally, status) + 1)

        rows = [
            ReturnRow(
                child=self.children[row.child_id],
                year=year,
                table=row.table,
                position=row.position,
                values=row.values,
            )
            for year, result in returns.items()
            for row in result.all_rows()
        ]
        say(f"Keeping {len(rows):,} return rows for export")
        ReturnRow.objects.filter(year__in=list(returns)).delete()
        ReturnRow.objects.bulk_create(rows, batch_size=2000)

        say(f"Saving episodes ({self.tallies['Episodes']})")
        self._save_kind(Episode, self.episodes, reason)
        say(f"Saving adoption decisions ({self.tallies['Adoption decisions']})")
        self._save_kind(AdoptionDecision, self.decisions, reason)
        rows_create_with_history(
            self._made(AdoptionDecision, self.decisions.add),
            AdoptionDecision,
            batch_size=500,
            default_change_reason=reason,
        )
        say(f"Saving reviews ({self.tallies['Reviews']})")
        self._save_kind(LookedAfterReview, self.reviews, reason)
        # New episodes and reviews are saved with the periods of care they fall in.
        self.new_episodes = self._made(Episode, self.episodes.add)
        self.new_reviews = self._made(LookedAfterReview, self.reviews.add, status=ReviewStatus.HELD)
        return len(rows)

    def _made(self, model, rows: list[tuple[Row, int]], **extra) -> list:
        return [
            model(child_id=self.children[row.child_id].pk, return_year=year, **extra, **row.fields)
            for row, year in rows
        ]

    @staticmethod
    def _save_kind(model, changes: _Changes, reason: str) -> None:
        """Remove and change rows of one kind (rows to add are made by the caller)."""
        for chunk in _chunks([r.pk for r in changes.remove]):
            model.objects.filter(pk__in=chunk).delete()
        now = timezone.now()
        for row in changes.change:
            row.updated_at = now
        rows_update_with_history(
            changes.change,
            model,
            [*sorted(changes.fields), "return_year", "updated_at"],
            batch_size=500,
            change_reason=reason,
        )
        model.objects.bulk_update(changes.year_only, ["return_year"], batch_size=500)


def _periods_check(child_id, records: ChildRecords, own_episodes, own_reviews, problems):
    """Refuse reviews that would fall outside every period of care."""
    episodes = sorted(
        [row.fields for row, _ in records.episodes]
        + [{f: getattr(e, f) for f in _FACT_FIELDS} for e in own_episodes],
        key=lambda f: f["started_on"],
    )
    spans = [
        (p.first_recorded_on, p.ended_on)
        for p in periods_from_episodes(
            [EpisodeFacts(**{f: e[f] for f in _FACT_FIELDS}) for e in episodes]
        )
    ]

    def inside(day: dt.date) -> bool:
        return any(start <= day and (end is None or day <= end) for start, end in spans)

    for row, _ in records.reviews:
        if not inside(row.fields["held_on"]):
            problems.add(
                row.where,
                f"{child_id}'s review on {row.values['REVIEW']} is not within a period of care "
                "(no episode covers that day)",
                row=row.position,
                column="REVIEW",
            )
    for review in own_reviews:
        if not inside(review.held_on):
            problems.add(
                f"Oversight's records for {child_id}",
                f"the review held on {review.held_on:%d/%m/%Y} would no longer be within a "
                "period of care",
            )


_FACT_FIELDS = (
    "started_on",
    "ended_on",
    "reason_new_episode",
    "reason_ceased",
    "legal_status",
    "placement",
)


def _records_begin_moved(reason: str) -> list[int]:
    """Set records begin from the earliest year on file; the children to reschedule."""
    earliest = ReturnRow.objects.aggregate(year=Min("year"))["year"]
    return records_begin_move(earliest_return_year=earliest, change_reason=reason)


# UASC statuses and missing episodes ---------------------------------------------------
#
# Kept from the return rows of every year on file (ReturnRow, already replaced for the
# years loaded), so loading in any order, or a year twice, gives the same records.

MISSING_KIND_NOT_VALID = "'{value}' is not M (missing) or A (away without authorisation)"
MISSING_START_NEEDED = "every missing episode needs its start"
MISSING_ENDS_BEFORE_START = "is before the episode's start (MIS_START)"


def _missing_check(result: YearReturn, problems: Problems) -> None:
    """Refuse a Missing row Oversight could not keep: a bad kind, no start, an end first."""
    for row in result.rows.get(ReturnTable.MISSING, []):
        kind, start, end = (row.values[c] for c in ("MISSING", "MIS_START", "MIS_END"))
        if kind not in MissingKind.values:
            problems.add(
                row.where,
                MISSING_KIND_NOT_VALID.format(value=kind),
                row=row.position,
                column="MISSING",
            )
        if not start:
            problems.add(row.where, MISSING_START_NEEDED, row=row.position, column="MIS_START")
        else:
            began, ended = _date(start), _date(end)
            if began is not None and ended is not None and ended < began:
                problems.add(
                    row.where, MISSING_ENDS_BEFORE_START, row=row.position, column="MIS_END"
                )


def _date(text: str) -> dt.date | None:
    """A date the reader has already checked (a bad one is its problem, not ours)."""
    try:
        return parse_date(text) if text else None
    except ValueError:
        return None


@dataclass(frozen=True)
class MissingAndUasc:
    """One child's missing episodes, (start, kind) -> (end, year), and UASC status,
    (ceased, year) or None, as the returns of every year on file say."""

    missing: dict[tuple[dt.date, str], tuple[dt.date | None, int]]
    uasc: tuple[dt.date | None, int] | None


def missing_and_uasc_derive(rows: Iterable[tuple[int, str, dict]]) -> MissingAndUasc:
    """A child's missing episodes and UASC status from their return rows, (year, table,
    values): a pure function. A row found in several years (an episode open at 31 March,
    completed in the next year's return) takes the latest year's values."""
    missing: dict[tuple[dt.date, str], tuple[dt.date | None, int]] = {}
    uasc: tuple[dt.date | None, int] | None = None
    for year, table, values in sorted(rows, key=lambda r: r[0]):
        if table == ReturnTable.MISSING:
            start = _date(values["MIS_START"])
            if start is not None:
                missing[(start, values["MISSING"])] = (_date(values["MIS_END"]), year)
        elif table == ReturnTable.UASC:
            uasc = (_date(values["DUC"]), year)
    return MissingAndUasc(missing=missing, uasc=uasc)


def missing_and_uasc_save(*, child_pks: Sequence[int], reason: str) -> dict[str, Tally]:
    """Make the children's MissingEpisode and UascStatus rows what their returns say;
    only rows that differ are written (history kept by simple_history)."""
    tallies = {"Missing episodes": Tally(), "UASC statuses": Tally()}
    missing_tally, uasc_tally = tallies["Missing episodes"], tallies["UASC statuses"]
    add_missing, change_missing, remove_missing = [], [], []
    add_uasc, change_uasc, remove_uasc = [], [], []
    for chunk in _chunks(sorted(child_pks)):
        rows: dict[int, list[tuple[int, str, dict]]] = {pk: [] for pk in chunk}
        for pk, year, table, values in ReturnRow.objects.filter(
            child_id__in=chunk, table__in=[ReturnTable.MISSING, ReturnTable.UASC]
        ).values_list("child_id", "year", "table", "values"):
            rows[pk].append((year, table, values))
        stored_missing = _by_child(MissingEpisode.objects.filter(child_id__in=chunk))
        stored_uasc = {u.child_id: u for u in UascStatus.objects.filter(child_id__in=chunk)}
        for pk in chunk:
            derived = missing_and_uasc_derive(rows[pk])
            by_key = {(m.started_on, m.kind): m for m in stored_missing.get(pk, [])}
            for (start, kind), (end, year) in derived.missing.items():
                episode = by_key.pop((start, kind), None)
                if episode is None:
                    add_missing.append(
                        MissingEpisode(
                            child_id=pk, kind=kind, started_on=start, ended_on=end, return_year=year
                        )
                    )
                    missing_tally.added += 1
                elif (episode.ended_on, episode.return_year) != (end, year):
                    episode.ended_on, episode.return_year = end, year
                    change_missing.append(episode)
                    missing_tally.changed += 1
                else:
                    missing_tally.unchanged += 1
            for episode in by_key.values():
                if episode.return_year is not None:
                    remove_missing.append(episode.pk)
                    missing_tally.removed += 1
            status = stored_uasc.get(pk)
            if derived.uasc is None:
                if status is not None and status.return_year is not None:
                    remove_uasc.append(status.pk)
                    uasc_tally.removed += 1
            elif status is None:
                ceased, year = derived.uasc
                add_uasc.append(UascStatus(child_id=pk, ceased_on=ceased, return_year=year))
                uasc_tally.added += 1
            elif (status.ceased_on, status.return_year) != derived.uasc:
                status.ceased_on, status.return_year = derived.uasc
                change_uasc.append(status)
                uasc_tally.changed += 1
            else:
                uasc_tally.unchanged += 1
    for model, remove, change, add, fields in (
        (MissingEpisode, remove_missing, change_missing, add_missing, ["ended_on"]),
        (UascStatus, remove_uasc, change_uasc, add_uasc, ["ceased_on"]),
    ):
        for chunk in _chunks(remove):
            model.objects.filter(pk__in=chunk).delete()
        now = timezone.now()
        for row in change:
            row.updated_at = now
        rows_update_with_history(
            change,
            model,
            [*fields, "return_year", "updated_at"],
            batch_size=500,
            change_reason=reason,
        )
        rows_create_with_history(add, model, batch_size=500, default_change_reason=reason)
    return tallies
