"""The admin site: superusers only, and only after signing in with their password on the admin
login page (which django-axes guards) — never on the strength of an emailed sign-in code. Every
add, change and delete made there is written to the organisers' audit log as well as Django's."""

from django.contrib import admin
from django.contrib.auth import BACKEND_SESSION_KEY

from summits import audit

# The backend that checks passwords; allauth's code sign-in records its own backend instead.
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"


class AuditedModelAdmin:
    """Mixed into every registered ModelAdmin by SuperuserAdminSite.register."""

    def log_addition(self, request, obj, message):
        audit.record(actor=request.user, action="admin.add", obj=obj, after={"change": message})
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        audit.record(actor=request.user, action="admin.change", obj=obj, after={"change": message})
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            audit.record(actor=request.user, action="admin.delete", obj=obj)
        return super().log_deletions(request, queryset)


class SuperuserAdminSite(admin.AdminSite):
    site_header = "Digital Leadership Workshops administration"

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(
            user.is_active and user.is_superuser and request.session.get(BACKEND_SESSION_KEY) == PASSWORD_BACKEND
        )

    def register(self, model_or_iterable, admin_class=None, **options):
        base = admin_class or admin.ModelAdmin
        audited = type(f"Audited{base.__name__}", (AuditedModelAdmin, base), {})
        return super().register(model_or_iterable, audited, **options)
