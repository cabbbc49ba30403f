"""Uploads have size limits that fit a council's largest return, refused as they stream in.

A 100 MB CSV once drove the worker to 3.9 GB. A file over OVERSIGHT_IMPORT_MAX_FILE_MB,
or an upload over OVERSIGHT_IMPORT_MAX_UPLOAD_MB, is refused naming the file and the limit
while the request is still arriving: the file is never kept, on disk or in memory. Files
within the limits are streamed to a temporary file in chunks, never read whole.
"""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from returns import imports
from returns.imports import TOO_LARGE, UPLOAD_TOO_LARGE
from returns.models import ImportRun

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


def generated_csv(path: Path, size: int) -> Path:
    """A header CSV of about `size` bytes, written in pieces (never kept in the repository)."""
    row = b"C0000001,1,01/06/2015,WBRI,A123456789012\n"
    with path.open("wb") as out:
        out.write(b"CHILD,SEX,DOB,ETHNIC,UPN\n")
        written = 0
        block = row * 4096
        while written < size:
            out.write(block)
            written += len(block)
    return path


def post(client, *paths: Path):
    with_files = [path.open("rb") for path in paths]
    try:
        return client.post(
            "/imports/upload/", {"kind": "ssda903", "year": "2024", "files": with_files}
        )
    finally:
        for handle in with_files:
            handle.close()


def stored(media) -> list[Path]:
    root = Path(media) / "imports"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_file_over_the_limit_is_refused_naming_it_and_the_limit(
    client, business_support, tmp_path, settings, media
):
    large = generated_csv(tmp_path / "903_2024-25_header.csv", 51 * MB)
    assert settings.OVERSIGHT_IMPORT_MAX_FILE_MB == 50  # the default
    client.force_login(business_support)
    response = post(client, large)
    assert response.status_code == 400
    text = response.content.decode()
    assert TOO_LARGE.format(name="903_2024-25_header.csv", mb=50) in text
    assert 'href="#id_files"' in text  # the error summary names the field
    assert "Select the files to upload" not in text
    assert ImportRun.objects.count() == 0 and stored(media) == []


def test_the_file_is_dropped_as_it_arrives_not_after(
    client, business_support, tmp_path, settings, monkeypatch
):
    """Past the limit, no chunk of the file reaches the handlers that keep files."""
    from django.core.files import uploadhandler

    settings.OVERSIGHT_IMPORT_MAX_FILE_MB = 1
    kept = []
    original = uploadhandler.TemporaryFileUploadHandler.receive_data_chunk

    def counting(self, raw_data, start):
        kept.append(len(raw_data))
        return original(self, raw_data, start)

    monkeypatch.setattr(uploadhandler.TemporaryFileUploadHandler, "receive_data_chunk", counting)
    large = generated_csv(tmp_path / "episodes.csv", 5 * MB)
    client.force_login(business_support)
    response = post(client, large)
    assert response.status_code == 400
    assert TOO_LARGE.format(name="episodes.csv", mb=1) in response.content.decode()
    assert sum(kept) <= 1 * MB


def test_an_upload_over_the_total_is_refused_whole(
    client, business_support, tmp_path, settings, media
):
    settings.OVERSIGHT_IMPORT_MAX_FILE_MB = 2
    settings.OVERSIGHT_IMPORT_MAX_UPLOAD_MB = 2
    first = generated_csv(tmp_path / "header.csv", int(1.5 * MB))
    second = generated_csv(tmp_path / "episodes.csv", int(1.5 * MB))
    client.force_login(business_support)
    response = post(client, first, second)
    assert response.status_code == 400
    assert UPLOAD_TOO_LARGE.format(mb=2) in response.content.decode()
    assert ImportRun.objects.count() == 0 and stored(media) == []


def test_a_file_within_the_limits_streams_to_a_temporary_file(
    client, business_support, tmp_path, monkeypatch
):
    received = []

    def record(*, user, kind, files, year):
        received.extend(files)
        from django.core.exceptions import ValidationError

        raise ValidationError({"files": "stop here"})

    monkeypatch.setattr("returns.views.import_run_start", record)
    within = generated_csv(tmp_path / "header.csv", 4 * MB)
    client.force_login(business_support)
    post(client, within)
    [upload] = received
    assert isinstance(upload, TemporaryUploadedFile)  # on disk, in chunks, not in memory
    assert upload.size == within.stat().st_size


def test_the_upload_service_checks_the_limits_too(business_support, settings):
    settings.OVERSIGHT_IMPORT_MAX_FILE_MB = 1
    settings.OVERSIGHT_IMPORT_MAX_UPLOAD_MB = 1
    files = [
        SimpleUploadedFile("header.csv", b"x" * (MB // 2 + 1)),
        SimpleUploadedFile("episodes.csv", b"x" * (MB // 2 + 1)),
    ]
    with pytest.raises(Exception) as refused:
        imports.import_run_start(user=business_support, kind="ssda903", files=files, year=2024)
    assert refused.value.message_dict == {"files": [UPLOAD_TOO_LARGE.format(mb=1)]}
    big = [SimpleUploadedFile("header.csv", b"x" * (MB + 1))]
    with pytest.raises(Exception) as refused:
        imports.import_run_start(user=business_support, kind="ssda903", files=big, year=2024)
    assert refused.value.message_dict == {
        "files": [TOO_LARGE.format(name="header.csv", mb=1), UPLOAD_TOO_LARGE.format(mb=1)]
    }


def test_the_upload_page_says_the_limits(client, business_support):
    client.force_login(business_support)
    text = client.get("/imports/upload/").content.decode()
    assert "Each file at most 50 MB, 100 MB together." in text
