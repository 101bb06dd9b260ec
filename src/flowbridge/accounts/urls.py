"""Pages of accounts: sign-in under /accounts/, the user's own profile under /me/."""

from django.urls import URLPattern, path

from flowbridge.accounts import profile, views

app_name = "accounts"
urlpatterns: list[URLPattern] = [
    path("accounts/login/", views.sign_in, name="login"),
    path("accounts/logout/", views.sign_out, name="logout"),
    path("me/", profile.profile, name="profile"),
    path("me/password/", profile.change_password, name="password"),
    path("me/delegations/", profile.add_delegation, name="delegation_add"),
    path("me/delegations/<int:pk>/cancel/", profile.cancel_delegation, name="delegation_cancel"),
    path("me/tokens/", profile.create_token, name="token_create"),
    path("me/tokens/<int:pk>/revoke/", profile.revoke_token, name="token_revoke"),
]
