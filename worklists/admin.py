from django.contrib import admin

from worklists.models import DeadlineDigest


class SendingFilter(admin.SimpleListFilter):
    title = "sending"
    parameter_name = "sending"

    def lookups(self, request, model_admin):
        return [("unsent", "Not sent yet"), ("failed", "Failed at least once"), ("sent", "Sent")]

    def queryset(self, request, queryset):
        if self.value() == "unsent":
            return queryset.filter(sent_at__isnull=True)
        if self.value() == "failed":
            return queryset.exclude(last_error="")
        if self.value() == "sent":
            return queryset.filter(sent_at__isnull=False)
        return queryset


@admin.register(DeadlineDigest)
class DeadlineDigestAdmin(admin.ModelAdmin):
    """Administrators watch here for alerts that have not gone out."""

    list_display = [
        "for_date",
        "recipient",
        "role",
        "item_count",
        "sent_at",
        "attempts",
        "last_error",
    ]
    list_filter = [SendingFilter, "role", "for_date"]
    readonly_fields = [f.name for f in DeadlineDigest._meta.fields]
    actions = ["send_now"]

    @admin.display(description="items")
    def item_count(self, obj):
        return len(obj.items)

    @admin.action(description="Send the selected alerts now")
    def send_now(self, request, queryset):
        from worklists.notifications import deadline_digest_send

        sent = failed = 0
        for digest in queryset.filter(sent_at__isnull=True):
            try:
                sent += deadline_digest_send(digest_id=digest.pk)
            except Exception:
                failed += 1
        self.message_user(request, f"{sent} sent, {failed} failed.")

    def has_add_permission(self, request):
        return False
