"""Citizens' pages under /account/ (docs/citizens.md)."""

from django.urls import path

from chengxin.accounts import citizen_views as views

app_name = "citizen"
urlpatterns = [
    path("", views.account, name="account"),
    path("signup/", views.sign_up, name="signup"),
    path("privacy/", views.privacy_notice, name="privacy"),
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("oidc/start/", views.oidc_start, name="oidc_start"),
    path("oidc/callback/", views.oidc_callback, name="oidc_callback"),
    path("password/", views.password_change, name="password_change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetSentView.as_view(), name="password_reset_sent"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("delete/", views.close, name="delete"),
    path("notices/", views.notices, name="notices"),
    path("notices/read-all/", views.notices_read_all, name="notices_read_all"),
    path("notices/<int:notice_id>/read/", views.notice_read, name="notice_read"),
]
