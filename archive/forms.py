from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Document, Language


class ArchiveFilterForm(forms.Form):
    """The archive list's filters. Unknown values are dropped, never an error page."""

    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    issuer = forms.ChoiceField(label=_("Issuer"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    tag = forms.ChoiceField(label=_("Tag"), required=False)

    def __init__(self, data, *, present: dict):
        """``present``: the values some public document has (selectors.filter_choices)."""
        super().__init__(data)
        any_choice = [("", _("Any"))]
        self.fields["year"].choices = any_choice + [(year, year) for year in present["years"]]
        self.fields["issuer"].choices = any_choice + present["issuers"]
        self.fields["kind"].choices = any_choice + [
            choice for choice in Document.Kind.choices if choice[0] in present["kinds"]
        ]
        self.fields["language"].choices = any_choice + [
            choice for choice in Language.choices if choice[0] in present["languages"]
        ]
        self.fields["tag"].choices = any_choice + present["tags"]

    def filter(self, documents):
        if not self.is_valid():
            # Keep the filters that are valid; drop the ones that are not.
            for name in list(self.errors):
                self.cleaned_data.pop(name, None)
        filters = self.cleaned_data
        if filters.get("year"):
            documents = documents.filter(issued_on__year=filters["year"])
        if filters.get("issuer"):
            documents = documents.filter(issuer__slug=filters["issuer"])
        if filters.get("kind"):
            documents = documents.filter(kind=filters["kind"])
        if filters.get("language"):
            documents = documents.filter(language=filters["language"])
        if filters.get("tag"):
            documents = documents.filter(tags__slug=filters["tag"])
        return documents

    @property
    def active(self) -> bool:
        return any(self.cleaned_data.get(name) for name in self.fields)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,.json"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(upload, initial) for upload in files]


class BulkImportForm(forms.Form):
    """Step one of the admin's bulk import: the files, and the language of the texts."""

    files = MultipleFileField(
        label=_("Files"),
        help_text=_(
            "Plain-text documents (.txt) like the seed press release, or JSON fixtures (.json) "
            "as written by dumpdata or export_archive. Several at once."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language of the texts"),
        choices=[("", _("Recognise it from each text")), *Language.choices],
        initial="",
        required=False,
    )
    date_order = forms.ChoiceField(
        label=_("Date order"),
        choices=[
            ("", _("Refuse all-numeric dates that read two ways")),
            ("day", _("Day first: 03/04/2012 is 3 April 2012")),
            ("month", _("Month first: 03/04/2012 is 4 March 2012")),
        ],
        initial="",
        required=False,
        help_text=_("The portal never guesses a date."),
    )

    def clean_files(self):
        from .bulk_import import MAX_UPLOAD_BYTES

        files = self.cleaned_data["files"]
        if sum(upload.size for upload in files) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("At most %(limit)d MB can be imported at once.")
                % {"limit": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return files
