from hypercare.web.errors import page
from hypercare.web.knowledge import answers, articles, reading, report, ticket_articles, views

urlpatterns = [
    page("desk/tickets/<int:pk>/training-gap/", views.flag, "desk-training-gap"),
    page("desk/tickets/<int:pk>/training-gap/clear/", views.clear, "desk-training-gap-clear"),
    page("desk/tickets/<int:pk>/answers/", answers.link, "desk-answer-link"),
    page("desk/tickets/<int:pk>/answers/unlink/", answers.unlink, "desk-answer-unlink"),
    page("desk/knowledge/report/", report.knowledge_report, "knowledge-report"),
    page("desk/knowledge/training-notes/new/", report.write_training_note, "training-note-new"),
    page("desk/knowledge/training-notes/send/", report.send_training_note, "training-note-send"),
    page("desk/knowledge/<int:pk>/recipients/", report.recipients, "article-recipients"),
    page("desk/tickets/<int:pk>/knowledge/", ticket_articles.search, "desk-knowledge"),
    page(
        "desk/tickets/<int:pk>/knowledge/<int:article_pk>/link/",
        ticket_articles.insert_link,
        "desk-knowledge-link",
    ),
    page(
        "desk/tickets/<int:pk>/knowledge/<int:article_pk>/text/",
        ticket_articles.insert_text,
        "desk-knowledge-text",
    ),
    page("desk/tickets/<int:pk>/article-draft/", ticket_articles.draft, "desk-article-draft"),
    page("desk/knowledge/", articles.articles, "articles"),
    page("desk/knowledge/new/", articles.new_article, "article-new"),
    page("desk/knowledge/<int:pk>/", articles.article_page, "article"),
    page("desk/knowledge/<int:pk>/edit/", articles.edit_article, "article-edit"),
    page("desk/knowledge/<int:pk>/status/", articles.change_status, "article-status"),
    page("desk/knowledge/<int:pk>/related/", articles.set_related, "article-related"),
    page("desk/knowledge/<int:pk>/versions/", articles.versions, "article-versions"),
    page("desk/knowledge/<int:pk>/files/", articles.add_files, "article-files"),
    page("knowledge/files/<int:pk>/", articles.article_file, "article-file"),
    page("portal/knowledge/", articles.portal_articles, "portal-articles"),
    page("portal/knowledge/suggestions/", reading.suggestions, "portal-suggestions"),
    page("portal/knowledge/<int:pk>/", articles.portal_article, "portal-article"),
    page("portal/knowledge/<int:pk>/solved/", reading.solved, "portal-article-solved"),
    page("portal/knowledge/<int:pk>/vote/", reading.vote, "portal-article-vote"),
]
