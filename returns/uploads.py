"""Size limits on uploaded returns, applied while the request streams in.

Django hands each uploaded file to its handlers in 64 KB chunks; files over 2.5 MB go to a
temporary file, never whole into memory. `UploadLimitHandler` comes first
(settings.FILE_UPLOAD_HANDLERS) and counts: a file past OVERSIGHT_IMPORT_MAX_FILE_MB is
skipped from that chunk on (the rest of it is read and dropped), and when the request says
it is longer than OVERSIGHT_IMPORT_MAX_UPLOAD_MB every file is skipped, so nothing over
the limits is kept, on disk or in memory. The form fields (the CSRF and one-time tokens,
the return's kind) still arrive, and the upload form says which file was refused
(`upload_refusals`). Returns are the only files Oversight takes.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

from returns.imports import TOO_LARGE, UPLOAD_TOO_LARGE

# The form's own fields (tokens, the kind and the year) on top of the files.
_FORM_ALLOWANCE = 64 * 1024


def max_file_bytes() -> int:
    return settings.OVERSIGHT_IMPORT_MAX_FILE_MB * 1024 * 1024


def max_upload_bytes() -> int:
    return settings.OVERSIGHT_IMPORT_MAX_UPLOAD_MB * 1024 * 1024


def upload_refusals(request: HttpRequest) -> list[str]:
    """What the limits refused of this request's files, as the form shows it."""
    return list(getattr(request, "_upload_refusals", []))


class UploadLimitHandler(FileUploadHandler):
    """Skip any file past the per-file limit, and every file of a request past the total."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.refusals: list[str] = []
        self.whole_too_large = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if self.request is not None:
            self.request._upload_refusals = self.refusals
        self.whole_too_large = content_length > max_upload_bytes() + _FORM_ALLOWANCE
        if self.whole_too_large:
            self.refusals.append(
                UPLOAD_TOO_LARGE.format(mb=settings.OVERSIGHT_IMPORT_MAX_UPLOAD_MB)
            )
        return None

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        if self.whole_too_large:
            raise SkipFile

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > max_file_bytes():
            self.refusals.append(
                TOO_LARGE.format(name=self.file_name, mb=settings.OVERSIGHT_IMPORT_MAX_FILE_MB)
            )
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handlers keep the file
