import re

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.fixtures import file_importer_descriptions, file_importer_endings
from portal.widgets import QuickSelect

from .models import Document, Language


class ArchiveFilterForm(forms.Form):
    """The archive list's filters, exact: a value that matches no document gives no document
    (and ``unmatched`` says which), a value of the wrong form is refused (``malformed``), never
    quietly dropped. The lists offer only the values some public document has."""

    year = forms.TypedChoiceField(
        label=_("Year"), required=False, coerce=int, empty_value=None, widget=QuickSelect
    )
    issuer = forms.ChoiceField(label=_("Issuer"), required=False, widget=QuickSelect)
    kind = forms.ChoiceField(label=_("Kind"), required=False, widget=QuickSelect)
    language = forms.ChoiceField(label=_("Language"), required=False, widget=QuickSelect)
    tag = forms.ChoiceField(label=_("Tag"), required=False, widget=QuickSelect)

    SHAPES = {
        "year": (re.compile(r"^[0-9]{4}$"), _("a year is four digits")),
        "issuer": (re.compile(r"^[-a-zA-Z0-9_]{1,100}$"), _("an issuer is named by its slug")),
        "tag": (re.compile(r"^[-a-zA-Z0-9_]{1,100}$"), _("a tag is named by its slug")),
    }

    def __init__(self, data, *, present: dict):
        """``present``: the values some public document has (selectors.filter_choices)."""
        super().__init__(data)
        any_choice = [("", _("Any"))]
        offered = {
            "year": [(year, year) for year in present["years"]],
            "issuer": present["issuers"],
            "kind": [c for c in Document.Kind.choices if c[0] in present["kinds"]],
            "language": [c for c in Language.choices if c[0] in present["languages"]],
            "tag": present["tags"],
        }
        known = {"kind": dict(Document.Kind.choices), "language": dict(Language.choices)}
        self.unmatched, self._malformed = {}, {}
        for name, choices in offered.items():
            value = (data.get(name) or "").strip()
            if value and value not in {str(choice) for choice, _label in choices}:
                problem = self._shape_problem(name, value, known)
                if problem:
                    self._malformed[name] = problem
                else:
                    # Well formed, but no public document has it: asked for, so kept.
                    label = known.get(name, {}).get(value, value)
                    choices = [*choices, (int(value) if name == "year" else value, label)]
                    self.unmatched[name] = label
            self.fields[name].choices = any_choice + choices

    def _shape_problem(self, name, value, known) -> str:
        if name in known:
            return (
                ""
                if value in known[name]
                else _("there is no %(name)s “%(value)s”")
                % {
                    "name": self.fields[name].label.lower(),
                    "value": value,
                }
            )
        pattern, rule = self.SHAPES[name]
        return "" if pattern.match(value) else f"{name}: {rule}"

    def malformed(self) -> dict[str, str]:
        """The parameters of the wrong form, with why: the page answers 400."""
        return self._malformed

    def filter(self, documents):
        if not self.is_valid():
            # Only a malformed value can be invalid, and malformed requests are refused.
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
        allow_empty_file=True,  # an empty file is named in the report as skipped
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The files other apps offer to read too (registers of people as spreadsheets).
        endings = file_importer_endings()
        if endings:
            files = self.fields["files"]
            files.widget.attrs["accept"] = ",".join([".txt", ".json", *endings])
            files.help_text = " ".join([str(files.help_text), *file_importer_descriptions()])

    def clean_files(self):
        from .bulk_import import MAX_UPLOAD_BYTES

        files = self.cleaned_data["files"]
        if sum(upload.size for upload in files) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("At most %(limit)d MB can be imported at once.")
                % {"limit": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return files
