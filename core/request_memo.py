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
from typing import Generic, TypeVar

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


class OnceARequest(Generic[R, T]):
    """`read(record)` asked once a request for each record (by its pk); `if_read(record)`
    answers only from what this request has read already (None if it has not), for a
    question another page asks more cheaply of the database."""

    def __init__(self, read: Callable[[R], T]) -> None:
        self.read = read
        self.name = f"{read.__module__}.{read.__qualname__}"
        functools.update_wrapper(self, read)

    def __call__(self, record: R) -> T:
        return request_memoised((self.name, record.pk), lambda: self.read(record))  # type: ignore[attr-defined]

    def if_read(self, record: R) -> T | None:
        memo = _memo.get()
        return None if memo is None else memo.get((self.name, record.pk))  # type: ignore[attr-defined,return-value]


def once_a_request(read: Callable[[R], T]) -> OnceARequest[R, T]:
    """`read(record)` asked once a request for each record (by its pk): for a page whose
    parts each show the same rows of one record, such as a child's reviews."""
    return OnceARequest(read)


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
