"""Root URL configuration. Paths are contract: no trailing slashes, no redirects (CONTRACT §6)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.not_found"
handler500 = "core.views.server_error"

urlpatterns = [
    path("", RedirectView.as_view(url="/ui/", permanent=False)),
    path("ui/", include("core.ui_urls")),
    path("accounts/login", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/schema", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("", include("core.urls")),
    path("", include("activity.urls")),
    path("", include("watchlist.urls")),
    path("", include("downloads.urls")),
    path("", include("downloads.autosync.urls")),
    path("", include("downloads.enrichment_urls")),
    path("", include("integrations.urls")),
    path("", include("matching.urls")),
]
