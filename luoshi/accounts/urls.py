from captcha import views as captcha_views
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path

from luoshi.accounts import views, views_import, views_otp

app_name = "accounts"
urlpatterns = [
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("two-factor/", views_otp.setup, name="otp_setup"),
    path("two-factor/qr.svg", views_otp.qr_code, name="otp_qr"),
    path("two-factor/verify/", views_otp.verify, name="otp_verify"),
    path("two-factor/disable/", views_otp.disable, name="otp_disable"),
    path("users/", views.UserListView.as_view(), name="users"),
    path("users/new/", views.UserCreateView.as_view(), name="user_create"),
    path("users/<int:pk>/edit/", views.UserUpdateView.as_view(), name="user_update"),
    path("users/<int:pk>/password/", views.UserPasswordResetView.as_view(), name="user_password"),
    path("sessions/", views.SessionListView.as_view(), name="sessions"),
    path("sessions/<int:pk>/end/", views.SessionEndView.as_view(), name="session_end"),
    path(
        "import/units/", views_import.ImportView.as_view(), {"table": "units"}, name="import_units"
    ),
    path(
        "import/users/", views_import.ImportView.as_view(), {"table": "users"}, name="import_users"
    ),
    path(
        "import/units/template/",
        views_import.ImportTemplateView.as_view(),
        {"table": "units"},
        name="import_units_template",
    ),
    path(
        "import/users/template/",
        views_import.ImportTemplateView.as_view(),
        {"table": "users"},
        name="import_users_template",
    ),
    path("roles/", views.RoleListView.as_view(), name="roles"),
    path("roles/new/", views.RoleCreateView.as_view(), name="role_create"),
    path("roles/<int:pk>/edit/", views.RoleUpdateView.as_view(), name="role_update"),
    path("positions/", views.PositionListView.as_view(), name="positions"),
    path("positions/new/", views.PositionCreateView.as_view(), name="position_create"),
    path("positions/<int:pk>/edit/", views.PositionUpdateView.as_view(), name="position_update"),
    path("positions/<int:pk>/delete/", views.PositionDeleteView.as_view(), name="position_delete"),
]

# Sign-in pages live at the site root names Django expects (login, logout, password_change).
auth_urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # 统一身份认证 (OpenID Connect): to the provider and back (docs/unified-login.md).
    path(
        "oidc/authenticate/",
        login_not_required(views.OIDCLoginView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "oidc/callback/",
        login_not_required(views.OIDCCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
    # The login captcha's image (django-simple-captcha, drawn locally), open before sign-in.
    re_path(
        r"^captcha/image/(?P<key>\w+)/$",
        login_not_required(captcha_views.captcha_image),
        {"scale": 1},
        name="captcha-image",
    ),
]
