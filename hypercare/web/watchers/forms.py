"""The form that names a watcher to add: by username or email address, looked up by the
view among the people the viewer may add (``watching.watcher_by_address``); the watcher
service judges the rest."""

from django import forms

from hypercare.web.forms import ServiceErrors


class WatcherForm(ServiceErrors, forms.Form):
    user = forms.CharField(
        label="Add a watcher",
        max_length=254,
        help_text="Their username or email address.",
    )
