from hypercare.web.errors import page
from hypercare.web.sso import views

urlpatterns = [
    page("sso/", views.discover, "sso-discover"),
    page("sso/<slug:slug>/login/", views.login, "sso-login"),
    page("sso/<slug:slug>/callback/", views.callback, "sso-callback"),
    page("desk/sso/", views.providers_page, "sso-providers"),
    page("institutions/<int:institution_pk>/sso/", views.settings_page, "sso-settings"),
]
