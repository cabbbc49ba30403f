from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    """SSDA903, CIN census, Annex A, uploads and data quality."""

    name = "returns"
    verbose_name = "DfE returns"

    def ready(self) -> None:
        from core.record import child_record_sections
        from core.report_notes import report_notes
        from core.retention import child_anonymisers, stored_file_deleters
        from iro.restricted import child_lookups_register
        from returns.data_quality import data_quality_section
        from returns.selectors import disagreements_banner
        from returns.services import child_returns_anonymise
        from returns.ssd.selectors import ssd_report_notes
        from returns.uploads import uploads_delete_due

        child_record_sections.register(data_quality_section)
        child_record_sections.register(disagreements_banner)
        report_notes.register(ssd_report_notes)
        # The retention job's parts (retention.services.retention_run).
        child_anonymisers.register(child_returns_anonymise)
        stored_file_deleters.register(uploads_delete_due)
        # A disagreement's page is its child's record: a restricted one asks why first.
        child_lookups_register("data_quality:disagreement", {"pk": "import_disagreements__pk"})
