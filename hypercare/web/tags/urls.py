from hypercare.web.errors import page
from hypercare.web.tags import views

urlpatterns = [
    page("desk/tickets/<int:pk>/tags/", views.add_tag, "desk-tag"),
    page("desk/tickets/<int:pk>/tags/<int:tag_pk>/remove/", views.remove_tag, "desk-untag"),
    page("desk/tags/", views.tag_list, "tags"),
    page("desk/tags/<int:pk>/", views.tag_page, "tag"),
    page("desk/tags/<int:pk>/rename/", views.rename, "tag-rename"),
    page("desk/tags/<int:pk>/merge/", views.merge, "tag-merge"),
]
