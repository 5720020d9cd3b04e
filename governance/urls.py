from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from governance import views
from governance.forms import LoginForm

admin.site.site_header = "社区治理综合管理平台"
admin.site.site_title = "社区治理综合管理平台"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PasswordChange.as_view(), name="password_change"),
    path("accounts/password/done/", views.PasswordChangeDone.as_view(), name="password_change_done"),
    path("accounts/tokens/", views.api_tokens, name="api-tokens"),
    path("accounts/tokens/<int:pk>/revoke/", views.api_token_revoke, name="api-token-revoke"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("regions/", views.region_list, name="region-list"),
    path("regions/picker/", views.region_picker, name="region-picker"),
    path("regions/<int:pk>/", views.region_detail, name="region-detail"),
    path("audit/", views.audit_list, name="audit-list"),
    path("audit/export.xlsx", views.audit_export, name="audit-export"),
    path("nav/badges/", views.nav_badges, name="nav-badges"),
    path("notifications/", include("governance.notifications.urls")),
    path("imports/", include("governance.imports.urls")),
    path("healthz", views.healthz, name="healthz"),
    # Pages without the base template (admin, API docs) make browsers ask for /favicon.ico: the platform's icon.
    path("favicon.ico", RedirectView.as_view(get_redirect_url=lambda *a, **k: static("img/favicon.svg"),
                                             permanent=True), name="favicon"),
    path("admin/", admin.site.urls),
    path("orgs/", include("orgs.urls")),
    path("projects/", include("projects.urls")),
    path("", include("projects.urls_ratings")),  # resident ratings: /r/<code>/ and /projects/ratings/
    path("api/v1/", include("governance.api.urls")),
    path("api/v1/", include("orgs.api.urls")),
    path("api/v1/", include("projects.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start script as a file (?script): no inline script, for the CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]

# Uploaded files are never served as public media: each app streams them after its access check.

# Error pages: the envelope under /api/, Chinese pages extending base.html elsewhere (governance.errors).
handler400 = "governance.errors.bad_request"
handler403 = "governance.errors.permission_denied"
handler404 = "governance.errors.page_not_found"
handler500 = "governance.errors.server_error"
