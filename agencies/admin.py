from django.contrib import admin

from agencies.models import Agency, AgencyGroup, Alias
from audit.admin import AuditedAdmin


class AliasInline(admin.TabularInline):
    model = Alias
    fields = ("wording", "scope", "key")
    readonly_fields = ("key",)
    extra = 0


class AgencyAliasInline(AliasInline):
    fk_name = "agency"


@admin.register(Agency)
class AgencyAdmin(AuditedAdmin):
    list_display = ("name", "code", "kind", "valid_from", "valid_to")
    list_filter = ("kind",)
    search_fields = ("name", "code", "abbreviation")
    inlines = [AgencyAliasInline]


@admin.register(AgencyGroup)
class AgencyGroupAdmin(AuditedAdmin):
    list_display = ("name", "code", "rule")
    filter_horizontal = ("members",)
    inlines = [AliasInline]
