from hypercare.web.errors import page
from hypercare.web.security import views

urlpatterns = [
    page("login/code/", views.sign_in_code, "sign-in-code"),
    page("login/set-up-two-factor/", views.enrol, "sign-in-enrol"),
    page("account/security/", views.overview, "security"),
    page("account/security/two-factor/", views.enrol, "security-enrol"),
    page("account/security/two-factor/off/", views.disable, "security-disable"),
    page("account/security/two-factor/recovery-codes/", views.new_recovery_codes, "security-codes"),
    page("account/security/sessions/<int:pk>/end/", views.end_one_session, "security-end-session"),
    page("account/security/sessions/end-others/", views.end_other_sessions, "security-end-others"),
    page(
        "account/security/tokens/<int:pk>/revoke/", views.revoke_own_token, "security-revoke-token"
    ),
    page("account/security/policies/", views.policies, "security-policies"),
    page(
        "account/security/policies/<int:institution_pk>/",
        views.set_policy,
        "security-set-policy",
    ),
]
