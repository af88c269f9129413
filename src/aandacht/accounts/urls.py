from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from aandacht.accounts.views import (
    account,
    carddav_setup,
    hub,
    login,
    password_reset,
    sessions,
    tokens,
    two_factor,
    users,
    vaults,
)
from aandacht.web.views import PasswordChange

app_name = "accounts"

urlpatterns = [
    *login.urlpatterns,
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", PasswordChange.as_view(), name="password_change"),
    *hub.urlpatterns,
    *password_reset.urlpatterns,
    *two_factor.urlpatterns,
    *sessions.urlpatterns,
    *tokens.urlpatterns,
    *carddav_setup.urlpatterns,
    *account.urlpatterns,
    *users.urlpatterns,
    *vaults.urlpatterns,
]
