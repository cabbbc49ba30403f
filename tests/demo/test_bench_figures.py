"""make bench's one table: each benchmark's figures, kept as it runs, printed together."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from demo.bench_figures import MET, NOT_MET, Figure, figures_read, figures_table, figures_write


def test_figures_written_by_each_benchmark_are_read_back_in_order(tmp_path):
    kept = tmp_path / "var" / "figures.jsonl"
    figures_write(kept, [Figure("pages", "home: IRO", "22.2 ms 3.5x", "<= 5x bare", True)])
    figures_write(kept, [Figure("alerts", "tonight", "2.5 s", "< 10 s", False)])

    assert figures_read(kept) == [
        Figure("pages", "home: IRO", "22.2 ms 3.5x", "<= 5x bare", True),
        Figure("alerts", "tonight", "2.5 s", "< 10 s", False),
    ]


def test_no_file_asked_for_writes_nothing(tmp_path):
    figures_write(None, [Figure("pages", "home: IRO", "22.2 ms")])

    assert list(tmp_path.iterdir()) == []


def test_the_table_heads_each_benchmark_and_says_which_targets_were_missed():
    lines = figures_table(
        [
            Figure("pages", "bare page", "6.4 ms"),
            Figure("pages", "child record", "28.8 ms 4.5x", "<= 5x bare", True),
            Figure("alerts", "tonight's digests", "12.1 s", "< 10 s", False),
            Figure("alerts", "every due date again", "41.6 s", "< 10 min", True),
        ]
    )

    assert lines[2] == "pages (target: <= 5x bare)"
    assert lines[3].startswith("  bare page ") and lines[3].endswith("| ")
    assert lines[4].endswith(f"| {MET}")
    assert lines[5] == "alerts"
    assert lines[6].endswith(f"| < 10 s   | {NOT_MET}")
    assert lines[7].endswith(f"| < 10 min | {MET}")
    assert lines[-1] == "2 of 3 targets met: not alerts, tonight's digests"
    assert len({len(line.rsplit("|", 1)[0]) for line in lines[3:8] if "|" in line}) == 1


def test_bench_summary_prints_the_kept_figures_as_one_table(tmp_path, capsys):
    kept = tmp_path / "figures.jsonl"
    figures_write(kept, [Figure("report", "a closed year", "0.55 s", "< 1 s", True)])

    call_command("bench_summary", str(kept))

    printed = capsys.readouterr().out
    assert "report (target: < 1 s)\n  a closed year" in printed
    assert printed.rstrip().endswith("1 of 1 targets met")


def test_bench_summary_names_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such figures file"):
        call_command("bench_summary", str(tmp_path / "absent.jsonl"))


def test_a_target_every_figure_of_a_benchmark_shares_is_given_once_on_its_heading():
    lines = figures_table(
        [
            Figure("pages", "bare page", "6.4 ms"),
            Figure("pages", "home: IRO", "22.2 ms 3.5x", "<= 5x bare", True),
            Figure("pages", "child record", "28.8 ms 4.5x", "<= 5x bare", True),
            Figure("report", "a closed year", "0.01 s", "< 1 s", True),
            Figure("report", "the year so far", "1.2 s", "< 2 s", True),
        ]
    )

    assert lines[2] == "pages (target: <= 5x bare)"
    assert "<= 5x bare" not in "".join(lines[3:6])
    assert lines[6] == "report"
    assert "< 1 s" in lines[7] and "< 2 s" in lines[8]
