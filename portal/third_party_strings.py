"""Strings the admin shows from django-simple-history (the history and the restore page) and
django-taggit (the tags field, its app), which ship no Azerbaijani catalog, nor a Russian one
Django finds ("ru_RU" is not "ru"). Their translations are in locale/; naming the strings here
is what keeps ``makemessages`` from dropping them as obsolete when the catalog is regenerated
(it reads this project's files, never the installed packages). Nothing imports this module.
"""

from django.utils.translation import gettext_noop, pgettext_lazy

SIMPLE_HISTORY = [
    gettext_noop("Change history: %s"),
    gettext_noop("View history: %s"),
    gettext_noop("Revert %s"),
    gettext_noop("View %s"),
    gettext_noop('The %(name)s "%(obj)s" was changed successfully.'),
    gettext_noop("You may edit it again below"),
    gettext_noop("Created"),
    gettext_noop("Changed"),
    gettext_noop("Deleted"),
    gettext_noop("Revert %(verbose_name)s"),
    gettext_noop("View %(verbose_name)s"),
    gettext_noop("Press the 'Revert' button below to revert to this version of the object."),
    gettext_noop("Revert"),
    gettext_noop("This object doesn't have a change history."),
]

TAGGIT = [
    gettext_noop("Taggit"),
    gettext_noop("A comma-separated list of tags."),
    gettext_noop("Please provide a comma-separated list of tags."),
    gettext_noop("content type"),
    gettext_noop("object ID"),
    gettext_noop("tagged item"),
    gettext_noop("tagged items"),
    pgettext_lazy("A tag name", "name"),
    pgettext_lazy("A tag slug", "slug"),
]
