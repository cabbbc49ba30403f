"""The UPN's format and check letter, as the DfE checks them (CIN census rule 1510)."""

import pytest

from iro.rules import (
    UPN_WRONG_CHECK_LETTER,
    UPN_WRONG_FORMAT,
    UPN_WRONG_LENGTH,
    UPN_WRONG_LETTER,
    upn_check_letter,
    upn_normalised,
    upn_problem,
)


def test_the_check_letter_is_the_weighted_sum_of_characters_two_to_thirteen_modulo_23():
    # 8x2 + 0x3 + 1x4 + 2x5 + 0x6 + 0x7 + 0x8 + 0x9 + 5x10 + 0x11 + 0x12 + 1x13 = 93;
    # 93 = 4 x 23 + 1, and 1 is B.
    assert upn_check_letter("B801200005001") == "B"
    assert upn_problem("B801200005001") is None


def test_a_wrong_check_letter_is_refused():
    assert upn_problem("A801200005001") == UPN_WRONG_CHECK_LETTER


def test_a_temporary_upn_counts_its_final_letter_by_its_place_in_the_table():
    body = "80120000500A"  # final A counts as 0
    letter = upn_check_letter(f"X{body}")
    assert upn_problem(f"{letter}{body}") is None
    assert upn_problem(f"B{body[:-1]}I") == UPN_WRONG_LETTER


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("B80120000500", UPN_WRONG_LENGTH),
        ("B8012000050011", UPN_WRONG_LENGTH),
        ("1801200005001", UPN_WRONG_FORMAT),
        ("B80120A005001", UPN_WRONG_FORMAT),
        ("<script>x</s>", UPN_WRONG_FORMAT),
    ],
)
def test_a_upn_of_the_wrong_shape_is_refused_saying_what_shape_it_must_be(typed, problem):
    assert upn_problem(typed) == problem


def test_spaces_and_small_letters_are_forgiven():
    assert upn_normalised(" b801 2000 05001 ") == "B801200005001"
    assert upn_problem("b801 2000 05001") is None
