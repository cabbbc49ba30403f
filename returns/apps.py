from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    """SSDA903, CIN census, Annex A, uploads and data quality."""

    name = "returns"
    verbose_name = "DfE returns"

    def ready(self) -> None:
        from core.record import child_record_sections
        from core.report_notes import report_notes
        from returns.data_quality import data_quality_section
        from returns.ssd.selectors import ssd_report_notes

        child_record_sections.register(data_quality_section)
        report_notes.register(ssd_report_notes)
