"""The web desk's URL map: the shell's pages, then each domain's (``web/<domain>/urls.py``).

The tickets' patterns come last, since any other word after a ticket's address names one
of its properties. Every view answers domain refusals the same way (``web.errors.page``).
"""

from hypercare.web import auth
from hypercare.web.access_requests import urls as access_requests
from hypercare.web.accounts import urls as accounts
from hypercare.web.adoption import urls as adoption
from hypercare.web.approvals import urls as approvals
from hypercare.web.audit import urls as audit
from hypercare.web.changes import urls as changes
from hypercare.web.corrections import urls as corrections
from hypercare.web.errors import page
from hypercare.web.escalations import urls as escalations
from hypercare.web.feedback import urls as feedback
from hypercare.web.handover import urls as handover
from hypercare.web.incidents import urls as incidents
from hypercare.web.integrations import urls as integrations
from hypercare.web.knowledge import urls as knowledge
from hypercare.web.links import urls as links
from hypercare.web.macros import urls as macros
from hypercare.web.mail import urls as mail
from hypercare.web.notifications import urls as notifications
from hypercare.web.orgs import urls as orgs
from hypercare.web.privacy import urls as privacy
from hypercare.web.problems import urls as problems
from hypercare.web.releases import urls as releases
from hypercare.web.reports import urls as reports
from hypercare.web.security import urls as security
from hypercare.web.sla import urls as sla
from hypercare.web.sso import urls as sso
from hypercare.web.surveys import urls as surveys
from hypercare.web.tags import urls as tags
from hypercare.web.tickets import urls as tickets
from hypercare.web.watchers import urls as watchers

app_name = "web"

urlpatterns = [
    page("", auth.home, "home"),
    page("login/", auth.sign_in_page, "login"),
    page("logout/", auth.sign_out, "logout"),
    page("account/password/", auth.password_change, "password-change"),
    page("account/password/done/", auth.password_change_done, "password-change-done"),
    page("password-reset/", auth.password_reset, "password-reset"),
    page("password-reset/sent/", auth.password_reset_sent, "password-reset-sent"),
    page("password-reset/<uidb64>/<token>/", auth.password_reset_confirm, "password-reset-confirm"),
    page("password-reset/complete/", auth.password_reset_complete, "password-reset-complete"),
    page("tickets/<int:pk>/", auth.ticket_link, "ticket-link"),
    *accounts.urlpatterns,
    *notifications.urlpatterns,
    *security.urlpatterns,
    *orgs.urlpatterns,
    *audit.urlpatterns,
    *escalations.urlpatterns,
    *incidents.urlpatterns,
    *sla.urlpatterns,
    *releases.urlpatterns,
    *problems.urlpatterns,
    *mail.urlpatterns,
    *links.urlpatterns,
    *tags.urlpatterns,
    *macros.urlpatterns,
    *integrations.urlpatterns,
    *feedback.urlpatterns,
    *knowledge.urlpatterns,
    *corrections.urlpatterns,
    *access_requests.urlpatterns,
    *approvals.urlpatterns,
    *changes.urlpatterns,
    *surveys.urlpatterns,
    *reports.urlpatterns,
    *adoption.urlpatterns,
    *handover.urlpatterns,
    *privacy.urlpatterns,
    *sso.urlpatterns,
    *watchers.urlpatterns,
    *tickets.urlpatterns,
]
