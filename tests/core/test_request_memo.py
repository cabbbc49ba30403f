"""Answers kept for one request (core.request_memo)."""

from types import SimpleNamespace

from django.http import HttpResponse
from django.test import RequestFactory

from core.request_memo import RequestMemoMiddleware, once_a_request, request_memo_clear

reads: list[int] = []


@once_a_request
def rows_of(record):
    reads.append(record.pk)
    return [record.pk]


ONE, TWO = SimpleNamespace(pk=1), SimpleNamespace(pk=2)


def in_a_request(work):
    def view(request):
        work()
        return HttpResponse()

    RequestMemoMiddleware(view)(RequestFactory().get("/"))


def test_outside_a_request_every_call_reads_afresh():
    reads.clear()
    rows_of(ONE)
    rows_of(ONE)
    assert reads == [1, 1]


def test_in_a_request_each_record_is_read_once_and_a_write_forgets_them():
    reads.clear()

    def page():
        assert rows_of(ONE) == [1] and rows_of(ONE) == [1] and rows_of(TWO) == [2]
        request_memo_clear()
        rows_of(ONE)

    in_a_request(page)
    assert reads == [1, 2, 1]


def test_the_next_request_reads_again():
    reads.clear()
    in_a_request(lambda: rows_of(ONE))
    in_a_request(lambda: rows_of(ONE))
    assert reads == [1, 1]


def test_if_read_answers_only_from_what_this_request_has_read():
    reads.clear()
    seen = []

    def page():
        seen.append(rows_of.if_read(ONE))  # not read yet: no answer, and no read
        rows_of(ONE)
        seen.append(rows_of.if_read(ONE))
        seen.append(rows_of.if_read(TWO))

    in_a_request(page)
    assert seen == [None, [1], None]
    assert reads == [1]
    assert rows_of.if_read(ONE) is None  # outside a request nothing is kept
