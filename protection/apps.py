from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "protection"
    verbose_name = "Child protection"

    def ready(self) -> None:
        from core.meetings import meeting_providers
        from core.record import child_record_sections
        from iro.restricted import child_lookups_register
        from protection.record import protection_section
        from protection.selectors import booked_conferences_between

        meeting_providers.register(booked_conferences_between)
        child_record_sections.register(protection_section)
        # Pages numbered by a conference (each child it covers), an invitation or a
        # decision are the children's records: a restricted one asks why first
        # (iro.restricted). An enquiry's and a transfer's pages also name the child.
        child_lookups_register(
            "protection",
            {
                "pk": "conferences__conference_id",
                "invitation_pk": "conferences__conference__invitations__pk",
                "decision_pk": "conferences__conference__decisions__pk",
            },
        )
        for page in ("protection:enquiry_correct", "protection:enquiry_withdraw"):
            child_lookups_register(page, {"pk": "section47_enquiries__pk"})
        child_lookups_register("protection:transfer_in_correct", {"pk": "transfers_in__pk"})
