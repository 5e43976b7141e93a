"""HTTP routes."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.generic import TemplateView
from djangosaml2 import views as saml_views

from core.login.oidc import check_providers
from core.login.saml import StaffAssertionConsumer, StaffLoginView, when_enabled
from core.login.views import (
    backchannel_logout,
    login_page,
    logout_view,
    oidc_callback,
    oidc_start,
)
from core.views import account_photo, blog_image, learning_log_image, summary_csv
from project.health import healthz
from project.robots import robots_txt
from schema import schema
from schema.views import GraphQLView

check_providers()  # a misconfigured identity provider stops the service at start

urlpatterns = [
    # A small page of the public API: sign in, a child's plans, the live badge.
    path(
        "", ensure_csrf_cookie(TemplateView.as_view(template_name="badge/page.html")), name="badge"
    ),
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots-txt"),
    path("media/learning-log/<int:pk>", learning_log_image, name="learning-log-image"),
    path("media/blog/<int:pk>", blog_image, name="blog-image"),
    path("media/photo", account_photo, name="account-photo"),
    re_path(
        r"^analytics/(?P<level>group|school|organisation)/(?P<pk>[0-9]+)\.csv$",
        summary_csv,
        name="summary-csv",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    # E-legitimation and the municipality's identity providers (docs/login.md).
    path("login/", login_page, name="login-choose"),
    path("login/logout/", logout_view, name="logout-everywhere"),
    path("login/oidc/<slug:name>/", oidc_start, name="oidc-start"),
    path("login/oidc/<slug:name>/callback", oidc_callback, name="oidc-callback"),
    path(
        "login/oidc/<slug:name>/backchannel-logout",
        backchannel_logout,
        name="oidc-backchannel-logout",
    ),
    # Staff over SAML 2 (djangosaml2), answering 404 unless SAML_IDP_METADATA is set.
    path("saml2/login/", when_enabled(StaffLoginView.as_view()), name="saml2_login"),
    path("saml2/acs/", when_enabled(StaffAssertionConsumer.as_view()), name="saml2_acs"),
    path("saml2/logout/", when_enabled(saml_views.LogoutInitView.as_view()), name="saml2_logout"),
    path("saml2/ls/", when_enabled(saml_views.LogoutView.as_view()), name="saml2_ls"),
    path("saml2/ls/post/", when_enabled(saml_views.LogoutView.as_view()), name="saml2_ls_post"),
    path(
        "saml2/metadata/", when_enabled(saml_views.MetadataView.as_view()), name="saml2_metadata"
    ),
    path(
        "graphql/",
        GraphQLView.as_view(
            schema=schema,
            graphql_ide="graphiql" if settings.GRAPHIQL else None,
            allow_queries_via_get=True,
            multipart_uploads_enabled=True,  # CSRF is enforced for session requests
        ),
        name="graphql",
    ),
]
if settings.ADMIN_PATH:  # unset in production means no admin (see settings)
    urlpatterns.append(path(settings.ADMIN_PATH, admin.site.urls))
