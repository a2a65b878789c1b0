from hypercare.web.errors import page
from hypercare.web.handover import gates, scorecards, views

HANDOVER = "institutions/<int:institution_pk>/handover/"

urlpatterns = [
    page("desk/handover/", views.handovers, "handovers"),
    page(f"desk/{HANDOVER}", views.handover, "handover"),
    page(f"portal/{HANDOVER}", views.portal_handover, "portal-handover"),
    page(f"{HANDOVER}save/", views.save, "handover-save"),
    page(f"{HANDOVER}sign/", views.sign, "handover-sign"),
    page(f"{HANDOVER}versions/", views.versions, "handover-versions"),
]
urlpatterns += [
    page("desk/institutions/<int:institution_pk>/exit/", scorecards.scorecard, "exit-scorecard"),
    page(
        "portal/institutions/<int:institution_pk>/exit/",
        scorecards.portal_scorecard,
        "portal-exit-scorecard",
    ),
    page("desk/institutions/<int:institution_pk>/exit/move/", scorecards.move, "exit-move"),
]
urlpatterns += [
    page("desk/exit-gates/", gates.default_gates, "exit-gates-default"),
    page(
        "desk/institutions/<int:institution_pk>/exit/gates/", gates.institution_gates, "exit-gates"
    ),
    page(
        "desk/institutions/<int:institution_pk>/exit/gates/defaults/",
        gates.back_to_defaults,
        "exit-gates-back",
    ),
]
