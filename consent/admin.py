import csv
import uuid

from cookie_consent.admin import CookieAdmin as PackageCookieAdmin
from cookie_consent.admin import CookieGroupAdmin as PackageCookieGroupAdmin
from cookie_consent.models import Cookie, CookieGroup
from django.contrib import admin
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AudienceCount, ConsentRecord, CookieDetails


class CookieDetailsInline(admin.StackedInline):
    model = CookieDetails
    can_delete = False
    min_num = 1
    max_num = 1


# The package's cookie admin, plus who sets the cookie and how long it lives.
admin.site.unregister(Cookie)


@admin.register(Cookie)
class CookieAdmin(PackageCookieAdmin):
    inlines = [CookieDetailsInline]
    list_display = ("name", "cookiegroup", "provider", "lifetime", "domain")
    list_select_related = ("cookiegroup", "details")

    @admin.display(description=_("fournisseur"), ordering="details__provider")
    def provider(self, obj):
        return getattr(getattr(obj, "details", None), "provider", "")

    @admin.display(description=_("durée de vie"), ordering="details__lifetime")
    def lifetime(self, obj):
        return getattr(getattr(obj, "details", None), "lifetime", "")


admin.site.unregister(CookieGroup)


@admin.register(CookieGroup)
class CookieGroupAdmin(PackageCookieGroupAdmin):
    """The package's group admin, without one query per row for the version."""

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("cookie_set")


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin):
    """Proof of consent: read-only; found by the reader's consent id."""

    list_display = (
        "created",
        "consent_id",
        "source",
        "accepted",
        "refused",
        "language",
    )
    list_filter = ("source", "language")
    date_hierarchy = "created"
    search_fields = ("consent_id",)
    search_help_text = _(
        "Identifiant de consentement du lecteur (avec ou sans tirets)."
    )
    readonly_fields = (
        "consent_id",
        "choices",
        "version",
        "source",
        "language",
        "created",
    )
    actions = ["export_csv"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_search_results(self, request, queryset, search_term):
        # An exact id, not a text search: a typo must not show other readers.
        term = search_term.strip()
        if not term:
            return queryset, False
        try:
            return queryset.for_consent_id(uuid.UUID(term)), False
        except ValueError:
            return queryset.none(), False

    @admin.display(description=_("acceptés"))
    def accepted(self, obj):
        return ", ".join(obj.accepted_groups) or "—"

    @admin.display(description=_("refusés"))
    def refused(self, obj):
        return ", ".join(obj.refused_groups) or "—"

    @admin.action(description=_("Exporter en CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = (
            f'attachment; filename="preuves-consentement-{stamp}.csv"'
        )
        writer = csv.writer(response)
        writer.writerow(
            [
                "consent_id",
                "date",
                "origine",
                "acceptés",
                "refusés",
                "version",
                "langue",
            ]
        )
        for record in queryset.order_by("created"):
            writer.writerow(
                [
                    record.consent_id,
                    timezone.localtime(record.created).isoformat(),
                    record.source,
                    " ".join(record.accepted_groups),
                    " ".join(record.refused_groups),
                    record.version,
                    record.language,
                ]
            )
        return response


@admin.register(AudienceCount)
class AudienceCountAdmin(admin.ModelAdmin):
    list_display = ("day", "path", "views", "visitors")
    date_hierarchy = "day"
    search_fields = ("path",)
    readonly_fields = ("day", "path", "views", "visitors")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
