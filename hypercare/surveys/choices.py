from django.db import models

RATING_MIN, RATING_MAX = 1, 5


class SurveyTicketEventKind(models.TextChoices):
    """The survey's answer on its ticket's timeline: internal, since a rating is the
    requester's word about the support and is read by support staff."""

    SURVEY_ANSWERED = "survey_answered", "Satisfaction survey answered"


class Channel(models.TextChoices):
    """Where the requester answered."""

    LINK = "link", "Link in the mail"
    PORTAL = "portal", "Portal"
