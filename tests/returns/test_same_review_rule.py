"""Which review recorded in Oversight is the return's same review on another day
(returns.rules.same_review_pairs): each at most once, closest first, within 14 days."""

import datetime as dt

from returns.rules import SAME_REVIEW_WITHIN_DAYS, same_review_pairs

D = dt.date


def test_a_day_apart_is_the_same_review():
    assert same_review_pairs([D(2024, 6, 26)], [D(2024, 6, 27)]) == [
        (D(2024, 6, 26), D(2024, 6, 27))
    ]


def test_fourteen_days_apart_still_pairs_and_fifteen_does_not():
    assert SAME_REVIEW_WITHIN_DAYS == 14
    assert same_review_pairs([D(2024, 6, 13)], [D(2024, 6, 27)])
    assert same_review_pairs([D(2024, 6, 12)], [D(2024, 6, 27)]) == []


def test_each_day_pairs_once_and_the_closest_wins():
    ours = [D(2024, 6, 20), D(2024, 6, 25)]
    theirs = [D(2024, 6, 26)]
    assert same_review_pairs(ours, theirs) == [(D(2024, 6, 25), D(2024, 6, 26))]


def test_two_and_two_pair_in_order():
    ours = [D(2024, 6, 1), D(2024, 9, 1)]
    theirs = [D(2024, 9, 3), D(2024, 6, 2)]
    assert same_review_pairs(ours, theirs) == [
        (D(2024, 6, 1), D(2024, 6, 2)),
        (D(2024, 9, 1), D(2024, 9, 3)),
    ]


def test_nothing_to_pair():
    assert same_review_pairs([], [D(2024, 6, 2)]) == []
    assert same_review_pairs([D(2024, 6, 2)], []) == []
