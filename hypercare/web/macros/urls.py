from hypercare.web.errors import page
from hypercare.web.macros import views

urlpatterns = [
    page("desk/macros/", views.macro_list, "macros"),
    page("desk/macros/<int:pk>/delete/", views.delete, "macro-delete"),
    page("desk/macros/apply/", views.bulk_apply, "macro-bulk"),
    page("desk/tickets/<int:pk>/macros/apply/", views.apply, "macro-apply"),
]
