from hypercare.web.errors import page
from hypercare.web.releases import portal, views

urlpatterns = [
    page("desk/releases/", views.releases, "releases"),
    page("desk/releases/<int:pk>/", views.release_page, "release"),
    page("desk/releases/<int:pk>/ship/", views.ship, "release-ship"),
    page("desk/releases/<int:pk>/notes/", views.edit_notes, "release-notes"),
    page("desk/releases/<int:pk>/notes/compile/", views.compile_notes, "release-notes-compile"),
    page("desk/releases/<int:pk>/notes.txt", views.desk_notes_export, "release-notes-export"),
    page("desk/releases/items/<int:pk>/", views.edit_item, "release-note-item"),
    page("desk/tickets/<int:pk>/release/", views.plan_release, "desk-release"),
    page("portal/releases/", portal.releases, "portal-releases"),
    page("portal/releases/<int:pk>/", portal.release_page, "portal-release"),
    page("portal/releases/<int:pk>/notes.txt", portal.portal_notes_export, "portal-release-notes"),
]
