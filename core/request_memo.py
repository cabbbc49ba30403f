"""Answers kept for one request: a question a page asks many times (does this IRO hold
this child? asked once per button the page decides on) is asked of the database once.

Kept only inside a request (`RequestMemoMiddleware`): outside one (a job, a shell, a
test calling a rule directly) every call asks afresh, so nothing is kept past the work
that asked. A write that changes an answer within a request clears the memo
(`request_memo_clear`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import TypeVar

from django.http import HttpRequest, HttpResponseBase

T = TypeVar("T")
R = TypeVar("R")

_memo: ContextVar[dict[Hashable, object] | None] = ContextVar("request_memo", default=None)


def request_memoised(key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, asked once per request for `key` (every time outside a request)."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]  # type: ignore[return-value]


def once_a_request(read: Callable[[R], T]) -> Callable[[R], T]:
    """`read(record)` asked once a request for each record (by its pk): for a page whose
    parts each show the same rows of one record, such as a child's reviews."""
    name = f"{read.__module__}.{read.__qualname__}"

    @functools.wraps(read)
    def memoised(record: R) -> T:
        return request_memoised((name, record.pk), lambda: read(record))  # type: ignore[attr-defined]

    return memoised


def request_memo_clear() -> None:
    """Forget this request's answers (a write changed what they would be)."""
    memo = _memo.get()
    if memo is not None:
        memo.clear()


class RequestMemoMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)
