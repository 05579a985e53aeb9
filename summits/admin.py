"""The admin site is for superusers (creating programmes and phases, fixing data). Organisers
work in the organiser pages, where every rule and the audit log apply."""

from django.contrib import admin

from summits.models import AuditEntry, CostLine, Facilitator, FocusArea, Phase, PilotDecision, Programme, Session, Venue


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PhaseInline]


@admin.register(FocusArea)
class FocusAreaAdmin(admin.ModelAdmin):
    list_display = ["number", "short_name", "name"]


class CostLineInline(admin.TabularInline):
    model = CostLine
    extra = 0


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "theme", "starts_at", "status", "capacity"]
    list_filter = ["status", "theme", "phase__kind", "region"]
    search_fields = ["code", "title"]
    list_select_related = ["phase__programme"]
    autocomplete_fields = ["venue", "facilitators"]
    filter_horizontal = ["focus_areas"]
    readonly_fields = ["sequence", "published_at", "cancelled_at", "created_at", "updated_at"]
    inlines = [CostLineInline]


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "town", "region", "capacity"]
    list_filter = ["region"]
    search_fields = ["name", "town", "postcode"]


@admin.register(Facilitator)
class FacilitatorAdmin(admin.ModelAdmin):
    list_display = ["name", "job_title", "organisation", "network"]
    search_fields = ["name", "organisation", "network"]


@admin.register(PilotDecision)
class PilotDecisionAdmin(admin.ModelAdmin):
    list_display = ["programme", "outcome", "decided_on", "decided_by"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_email", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_email", "object_repr", "object_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
