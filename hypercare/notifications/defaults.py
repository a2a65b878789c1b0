"""The built-in wording of every notification: event → (subject, body).

The data migrations seeded the same texts as the editable ``NotificationTemplate`` rows
(migrations never change once landed, so they keep their own copy). These are what a
notification falls back on when its row is missing, and what
``hypercare manage restore_notification_templates`` writes back; a test holds both copies
equal. Subject and body are Django templates; every body ends with the desk's signature.
"""

from hypercare.notifications.choices import NotificationEvent

SIGNATURE = "\n\n— Hypercare support desk\n{{ link }}\n"
_WORDING: dict[str, tuple[str, str]] = {
    NotificationEvent.TICKET_RECEIVED: (
        "[{{ ticket.reference }}] We have your request: {{ ticket.title }}",
        "Hello {{ recipient.display_name }},\n\nWe have received your request "
        '"{{ ticket.title }}". Its reference is {{ ticket.reference }}; quote it in any '
        "message about this issue.\n\nPriority: {{ ticket.get_priority_display }}."
        "{% if answers %}\n\nWhat you told us:\n{% for label, value in answers %}"
        "{{ label }}\n  {{ value }}\n{% endfor %}{% endif %}"
        "{% if articles %}\n\nThese help articles may already answer it:\n"
        "{% for article in articles %}{{ article.title }}\n  {{ article.url }}\n{% endfor %}"
        "{% endif %}",
    ),
    NotificationEvent.PUBLIC_REPLY: (
        "[{{ ticket.reference }}] New reply: {{ ticket.title }}",
        "Hello {{ recipient.display_name }},\n\n{{ author }} wrote:\n\n{{ body }}",
    ),
    NotificationEvent.STATUS_CHANGED: (
        "[{{ ticket.reference }}] Now {{ ticket.get_status_display|lower }}: {{ ticket.title }}",
        "Hello {{ recipient.display_name }},\n\nYour request {{ ticket.reference }} is now "
        "{{ ticket.get_status_display|lower }}.",
    ),
    NotificationEvent.TICKET_RESOLVED: (
        "[{{ ticket.reference }}] Resolved: {{ ticket.title }}",
        "Hello {{ recipient.display_name }},\n\nWe believe {{ ticket.reference }} is resolved. "
        "If it is not fixed, reply or open the ticket and say so: it will be reopened."
        "{% if note %}\n\nHow it was resolved: {{ note }}{% endif %}",
    ),
    NotificationEvent.TICKET_CLOSING: (
        "[{{ ticket.reference }}] Closing on {{ closes_at }}: {{ ticket.title }}",
        "Hello {{ recipient.display_name }},\n\n{{ ticket.reference }} was resolved and will "
        "close on {{ closes_at }}. If it is not fixed, reply before then or open the ticket and "
        "say so: it will be reopened. After that, a new ticket is needed.",
    ),
    NotificationEvent.TICKET_ASSIGNED: (
        "[{{ ticket.reference }}] Assigned to you: {{ ticket.title }}",
        "Hello {{ recipient.display_name }},\n\n{{ ticket.reference }} "
        "({{ ticket.get_priority_display }}, {{ ticket.institution }}) is now yours.",
    ),
    NotificationEvent.SLA_WARNING: (
        "[{{ ticket.reference }}] SLA warning: {{ clock }} due {{ due_at }}",
        "{{ ticket.reference }} ({{ ticket.get_priority_display }}, {{ ticket.institution }}) "
        "has used {{ percent }} % of its {{ clock }} target. Due {{ due_at }}.",
    ),
    NotificationEvent.SLA_BREACH: (
        "[{{ ticket.reference }}] SLA BREACHED: {{ clock }}",
        "{{ ticket.reference }} ({{ ticket.get_priority_display }}, {{ ticket.institution }}) "
        "breached its {{ clock }} target, due {{ due_at }}.",
    ),
    NotificationEvent.ESCALATION_REQUESTED: (
        "[{{ ticket.reference }}] ESCALATION requested: {{ ticket.title }}",
        "{{ ticket.reference }} ({{ ticket.get_priority_display }}, {{ ticket.institution }}) "
        "has been escalated: {{ escalation.get_reason_display }}.\n\n"
        "Business impact: {{ escalation.business_impact }}\n"
        "{% if escalation.milestone_date %}Critical milestone {{ escalation.milestone_date }}: "
        "{{ escalation.milestone }}\n{% endif %}\n"
        "{% if manager %}You are the primary contact. {% else %}No escalation manager could be "
        "chosen: please take it. {% endif %}The first update is due {{ next_update_due }}.",
    ),
    NotificationEvent.ESCALATION_ASSIGNED: (
        "[{{ ticket.reference }}] Escalation assigned to you: {{ ticket.title }}",
        "Hello {{ recipient.display_name }},\n\nYou are now the primary contact for the "
        "escalation of {{ ticket.reference }} ({{ ticket.institution }}). The next update is "
        "due {{ next_update_due }}.",
    ),
    NotificationEvent.ESCALATION_ACKNOWLEDGED: (
        "[{{ ticket.reference }}] Your escalation is being handled",
        "Hello {{ recipient.display_name }},\n\nThe escalation of {{ ticket.reference }} "
        '"{{ ticket.title }}" is registered. '
        "{% if manager %}{{ manager }} is your escalation manager and primary contact. "
        "{% else %}An escalation manager will be your primary contact shortly. {% endif %}"
        "You can expect the next update by {{ next_update_due }}.",
    ),
    NotificationEvent.ESCALATION_UPDATE: (
        "[{{ ticket.reference }}] Escalation {{ headline|lower }}: {{ ticket.title }}",
        "Hello {{ recipient.display_name }},\n\n{{ headline }} from {{ manager }} on the "
        "escalation of {{ ticket.reference }}:\n\n{{ body }}\n\n"
        "{% if next_update_due %}Next update by {{ next_update_due }}.{% endif %}",
    ),
    NotificationEvent.ESCALATION_UPDATE_MISSED: (
        "[{{ ticket.reference }}] Escalation update MISSED: {{ ticket.title }}",
        "The update on the escalation of {{ ticket.reference }} ({{ ticket.institution }}, "
        "{{ escalation.get_level_display }}) was due {{ due }} and has not been posted. "
        "Escalation manager: {{ manager|default:'nobody yet' }}.",
    ),
    NotificationEvent.ESCALATION_LEVEL_RAISED: (
        "[{{ ticket.reference }}] Escalation raised to {{ level }}",
        "The escalation of {{ ticket.reference }} ({{ ticket.institution }}) is now at "
        "{{ level }}.\n\nReason: {{ reason }}\n\nEscalation manager: "
        "{{ manager|default:'nobody yet' }}.",
    ),
    NotificationEvent.DE_ESCALATED: (
        "[{{ ticket.reference }}] De-escalated: {{ ticket.title }}",
        "Hello {{ recipient.display_name }},\n\nThe escalation of {{ ticket.reference }} has "
        "ended and the ticket continues with the support team as usual.\n\n{{ body }}",
    ),
    NotificationEvent.ESCALATION_DIGEST: (
        "Daily escalation review {{ day }}: {{ count }} open",
        "Open escalations on {{ day }}: {{ count }}.\n"
        "{% for row in escalations %}\n{{ row.reference }} {{ row.title }} "
        "({{ row.institution }})\n"
        "  {{ row.status }} · {{ row.level }} · manager {{ row.manager }}\n"
        "  Open for {{ row.age }} · last update {{ row.last_update }} · next update due "
        "{{ row.next_update_due }}{% if row.overdue %} (OVERDUE){% endif %}\n"
        "  Action plan: {{ row.action_plan }}\n{% endfor %}",
    ),
    NotificationEvent.TICKET_SHIPPED: (
        "[{{ ticket.reference }}] Fixed in release {{ version }}: {{ ticket.title }}",
        "Hello {{ recipient.display_name }},\n\nThe fix for {{ ticket.reference }} "
        '"{{ ticket.title }}" has shipped in release {{ version }}. Once your institution '
        "has the release, please check that it works for you; if it does not, reply on the "
        "ticket and say so.",
    ),
    NotificationEvent.RELEASE_NOTES: (
        "Release {{ release.version }} has shipped",
        "Hello {{ recipient.display_name }},\n\nRelease {{ release.version }} has shipped."
        "{% if release.notes %}\n\n{{ release.notes }}{% endif %}"
        "{% if groups %}\n\nWhat it fixes for your institution:{% for group in groups %}"
        "\n\n{{ group.module }}{% for item in group.items %}\n- {{ item.reference }}: "
        "{{ item.text }}{% endfor %}{% endfor %}{% endif %}",
    ),
    NotificationEvent.MAIL_REFUSED: (
        "Not received: {{ subject }}",
        'Hello,\n\nYour message "{{ subject }}" was too large for the support desk to '
        "take in ({{ size_mb }} MB; the limit is {{ limit_mb }} MB). Nothing was lost: the "
        "desk keeps it for review. To be sure it is dealt with, please send it again "
        "without the large attachments, or share them another way.",
    ),
    NotificationEvent.TICKET_MERGED: (
        "[{{ ticket.reference }}] Your request {{ duplicate.reference }} continues here: "
        "{{ ticket.title }}",
        "Hello {{ recipient.display_name }},\n\nYour request {{ duplicate.reference }} "
        '"{{ duplicate.title }}" is about the same issue as {{ ticket.reference }} '
        '"{{ ticket.title }}", so we have merged them: {{ duplicate.reference }} is closed '
        "and the work continues on {{ ticket.reference }}, which you now follow. You will "
        "hear about its progress, and a reply to either ticket reaches us there.",
    ),
    NotificationEvent.INCIDENT_UPDATE: (
        "[{{ ticket.reference }}] Known issue: {{ incident_title }}",
        "Hello {{ recipient.display_name }},\n\nYour request {{ ticket.reference }} "
        '"{{ ticket.title }}" is affected by a known issue we are working on: '
        "{{ incident_title }}, since {{ started_at }}.\n\n{{ body }}"
        "{% if next_update_due %}\n\nNext update by {{ next_update_due }}.{% endif %}",
    ),
    NotificationEvent.INCIDENT_INSTITUTION_UPDATE: (
        "Known issue: {{ incident_title }}",
        "Hello {{ recipient.display_name }},\n\nAn update on a known issue affecting "
        "{{ institution }}: {{ incident_title }}, since {{ started_at }}.\n\n{{ body }}"
        "{% if tickets %}\n\nYour institution's requests it affects:"
        "{% for row in tickets %}\n  {{ row.reference }} {{ row.title }}{% endfor %}{% endif %}"
        "{% if next_update_due %}\n\nNext update by {{ next_update_due }}.{% endif %}",
    ),
    NotificationEvent.INCIDENT_UPDATE_MISSED: (
        "[{{ reference }}] Major incident update MISSED: {{ incident_title }}",
        "The update on the major incident {{ reference }} ({{ incident_title }}, "
        "{{ children }} ticket{{ children|pluralize }}) was due {{ due }} and has not been "
        "posted.",
    ),
    NotificationEvent.INCIDENT_RESOLVE_MISSED: (
        "[{{ reference }}] Major incident OVERDUE: {{ incident_title }}",
        "The major incident {{ reference }} ({{ incident_title }}, {{ children }} "
        "ticket{{ children|pluralize }}) was to be resolved by {{ due }} and is still active.",
    ),
    NotificationEvent.WORKAROUND_PUBLISHED: (
        "[{{ ticket.reference }}] A workaround for: {{ ticket.title }}",
        "Hello {{ recipient.display_name }},\n\nWhile we work on the cause of "
        '{{ ticket.reference }} "{{ ticket.title }}", here is a way to carry on:\n\n'
        "{{ workaround }}\n\nWe will tell you when the fix ships.",
    ),
    NotificationEvent.INTEGRATION_CONTACT_ASKED: (
        "[{{ ticket.reference }}] {{ integration.name }}: {{ ticket.title }}",
        "Hello {{ contact.name }},\n\n{{ asked_by.display_name }} of the support desk asks "
        "about {{ integration.name }}, for {{ ticket.institution.name }}:\n\n{{ message }}"
        "\n\nPlease answer this mail, keeping {{ ticket.reference }} in the subject, so "
        "your answer reaches the ticket.",
    ),
    NotificationEvent.IDEA_STATUS_CHANGED: (
        "[{{ ticket.reference }}] Your idea is {{ said }}",
        "Hello {{ recipient.display_name }},\n\nYou asked for {{ ticket.reference }} "
        '"{{ ticket.title }}". We recorded it as the product idea "{{ idea.title }}", '
        "which is now {{ said }}.",
    ),
    NotificationEvent.CORRECTION_SIGN_OFF_REQUESTED: (
        "[{{ ticket.reference }}] Please sign off a data correction: {{ ticket.title }}",
        "Hello {{ recipient.display_name }},\n\nYou are the data owner named on "
        '{{ ticket.reference }} "{{ ticket.title }}" ({{ ticket.institution }}). Nothing is '
        "changed in your data until you sign it off: please read the correction record on "
        "the ticket (records affected, each value before and after, the reason and how it "
        "would be reversed), then sign it off or refuse it with a comment.",
    ),
    NotificationEvent.CORRECTION_SIGN_OFF_DECIDED: (
        "[{{ ticket.reference }}] Correction {% if signed_off %}signed off{% else %}"
        "REFUSED{% endif %} by {{ data_owner.display_name }}",
        "{{ data_owner.display_name }} {% if signed_off %}signed off{% else %}refused"
        "{% endif %} the correction record of {{ ticket.reference }} "
        "({{ ticket.institution }}).{% if comment %}\n\nTheir comment: {{ comment }}"
        "{% endif %}{% if signed_off %}\n\nThe correction can now be applied.{% endif %}",
    ),
    NotificationEvent.CORRECTION_APPLIED: (
        "[{{ ticket.reference }}] Your data correction is made: {{ ticket.title }}",
        "Hello {{ recipient.display_name }},\n\nThe correction you asked for in "
        '{{ ticket.reference }} "{{ ticket.title }}" has been applied, as signed off by '
        "the data owner. Please check the records and say on the ticket whether it is "
        "right.",
    ),
    NotificationEvent.CORRECTION_NOT_RIGHT: (
        "[{{ ticket.reference }}] Correction NOT right, says {{ requester.display_name }}",
        "{{ requester.display_name }} says the correction applied on {{ ticket.reference }} "
        "({{ ticket.institution }}) is not right:\n\n{{ comment }}",
    ),
    NotificationEvent.ACCESS_APPROVAL_REQUESTED: (
        "[{{ access_request.reference }}] Access to approve: {{ access_request.role }} "
        "for {{ access_request.person_name }}",
        "Hello {{ recipient.display_name }},\n\n{{ requested_by }} asks to "
        "{{ access_request.get_action_display|lower }} for {{ access_request.person_text }}: "
        "{{ access_request.change_text }}, from {{ access_request.effective_on }}"
        "{% if access_request.ends_on %} until {{ access_request.ends_on }}{% endif %}."
        "\n\nApprove or reject it: {{ address }}",
    ),
    NotificationEvent.ACCESS_REQUEST_DECIDED: (
        "[{{ access_request.reference }}] {{ access_request.get_status_display }}: "
        "{{ access_request.role }} for {{ access_request.person_name }}",
        "Hello {{ recipient.display_name }},\n\n{{ access_request.decided_by }} "
        "{{ decision }} the request to {{ access_request.get_action_display|lower }} for "
        "{{ access_request.person_text }}: {{ access_request.change_text }}."
        "{% if access_request.decision_comment %}\n\nComment: "
        "{{ access_request.decision_comment }}{% endif %}",
    ),
    NotificationEvent.ACCESS_ENDING: (
        "[{{ access_request.reference }}] Temporary access ends {{ access_request.ends_on }}",
        "Hello {{ recipient.display_name }},\n\nThe temporary role "
        "{{ access_request.role }} of {{ access_request.person_text }} "
        "({{ access_request.institution }}) ends on {{ access_request.ends_on }}. Remove it "
        "in the ERP then; once it has ended, Hypercare opens the removal request.",
    ),
    NotificationEvent.APPROVALS_DIGEST: (
        "Approvals waiting for you on {{ day }}: {{ count }}",
        "Hello {{ recipient.display_name }},\n\n{{ count }} waiting for your decision.\n"
        "{% if access_requests %}\nAccess requests to approve or reject:\n"
        "{% for row in access_requests %}\n{{ row.reference }} {{ row.what }}\n"
        "  asked by {{ row.requested_by }} on {{ row.requested_at }}\n  {{ row.address }}\n"
        "{% endfor %}{% endif %}{% if changes %}\nChange requests to approve or reject:\n"
        "{% for row in changes %}\n{{ row.reference }} {{ row.title }}\n"
        "  {{ row.approval }}, {{ row.risk }} risk{% if row.starts %}, planned from "
        "{{ row.starts }}{% endif %}, raised by {{ row.raised_by }}\n  {{ row.address }}\n"
        "{% endfor %}{% endif %}{% if sign_offs %}\nData corrections to sign off:\n"
        "{% for row in sign_offs %}\n{{ row.reference }} {{ row.title }}\n"
        "  version {{ row.version }} of the correction record{% if row.asked_at %}, your "
        "sign-off asked on {{ row.asked_at }}{% endif %}\n  {{ row.address }}\n"
        "{% endfor %}{% endif %}\nAll of them: {{ address }}",
    ),
    NotificationEvent.CHANGE_APPROVAL_REQUESTED: (
        "[{{ change.reference }}] Your approval: {{ change.title }}",
        "Hello {{ recipient.display_name }},\n\n{{ change.raised_by.display_name }} asks you "
        "to approve the {{ change.get_kind_display|lower }} {{ change.reference }} "
        '"{{ change.title }}" ({{ change.get_risk_display|lower }} risk), planned from '
        "{{ change.window_start }} to {{ change.window_end }}.\n\nPlan:\n{{ change.plan }}"
        "\n\nRollback plan:\n{{ change.rollback_plan }}\n\nApprove or reject it, with a "
        "comment, on its page.",
    ),
    NotificationEvent.CHANGE_DECIDED: (
        "[{{ change.reference }}] {{ change.get_status_display }}: {{ change.title }}",
        "Hello {{ recipient.display_name }},\n\nThe change {{ change.reference }} "
        '"{{ change.title }}" is {{ change.get_status_display|lower }}. Its page shows who '
        "decided and their comments.",
    ),
    NotificationEvent.TRAINING_NOTE: (
        "Training note: {{ article.title }}",
        "Hello {{ recipient.display_name }},\n\nThe support desk wrote a training note for "
        '{{ erp_role }} staff at {{ institution.name }}: "{{ article.title }}". Read it '
        "here: {{ address }}",
    ),
    NotificationEvent.SURVEY_REQUEST: (
        "[{{ ticket.reference }}] How did we do?",
        "Hello {{ recipient.display_name }},\n\nYour ticket {{ ticket.reference }} "
        '"{{ ticket.title }}" is resolved. Please rate our support from 1 to 5, with a '
        "comment if you wish; it takes a minute and needs no sign-in:\n\n{{ survey_link }}"
        "\n\nThe link works once, for {{ link_days }} days.",
    ),
    NotificationEvent.SURVEY_LOW_RATING: (
        "[{{ ticket.reference }}] Rated {{ survey.rating }} out of 5: {{ ticket.title }}",
        "Hello {{ recipient.display_name }},\n\nThe requester of {{ ticket.reference }} "
        '"{{ ticket.title }}" rated the support {{ survey.rating }} out of 5.'
        "{% if survey.comment %}\n\nTheir comment:\n{{ survey.comment }}{% endif %}"
        "\n\nPlease look at the ticket and follow up with them.",
    ),
    NotificationEvent.REVIEW_PACK: (
        "{{ pack.get_kind_display }}: {{ pack.scope_label }}",
        "Hello {{ recipient.display_name }},\n\nThe {{ pack.get_kind_display|lower }} of "
        "{{ pack.scope_label }} is ready. Read it on the desk, with its HTML page and "
        "spreadsheet:\n\n{{ pack_link }}\n\nThe PDF: {{ pdf_link }}",
    ),
    NotificationEvent.INTERNAL_NOTE: (
        "[{{ ticket.reference }}] Internal note: {{ ticket.title }}",
        "Hello {{ recipient.display_name }},\n\n{{ author }} added an internal note to "
        "{{ ticket.reference }}, which you watch:\n\n{{ body }}",
    ),
    NotificationEvent.MENTIONED: (
        "[{{ ticket.reference }}] {{ author }} mentioned you: {{ ticket.title }}",
        "Hello {{ recipient.display_name }},\n\n{{ author }} mentioned you in an internal "
        "note on {{ ticket.reference }}:\n\n{{ body }}",
    ),
}
DEFAULT_TEMPLATES: dict[str, tuple[str, str]] = {
    event: (subject, body + SIGNATURE) for event, (subject, body) in _WORDING.items()
}
