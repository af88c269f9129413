"""The forms of the import and export pages: upload, column mapping, export choices.

The field labels live in :mod:`aandacht.exchange.labels`, shared with the command line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aandacht.accounts.models import Vault
from aandacht.exchange.labels import field_label
from aandacht.exchange.models import ImportFormat
from aandacht.exchange.records import FIELD_NAMES
from aandacht.people.models import Tag
from aandacht.people.tagging import alphabetical

IGNORE = ""

# Several columns may feed these; every other field takes one column at most.
REPEATABLE_FIELDS = frozenset({"email", "phone", "website", "social", "tags"})
# A row needs one of these to become someone you can recognise again.
IDENTIFYING_FIELDS = frozenset(
    {"full_name", "given_name", "family_name", "nickname", "email", "phone"}
)


class UploadForm(forms.Form):
    """Step 1: the file and, for the rare file detection gets wrong, its format.

    The format comes before the file in the page, so it is parsed even when the file is
    refused for its size (the browser sends the fields in page order).
    """

    format = forms.ChoiceField(
        label=_("Format"),
        choices=ImportFormat.choices,
        initial=ImportFormat.AUTO,
        help_text=_("Aandacht recognises vCard, LinkedIn, Google Contacts, CSV and JSON files."),
    )
    file = forms.FileField(
        label=_("File"),
        allow_empty_file=True,  # an empty file gets our own message in the view
        error_messages={"required": _("Choose a file to import.")},
    )

    def __init__(self, *args: Any, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.fields["file"].widget.attrs.update(
            {
                "accept": ".vcf,.vcard,.csv,.json,.txt,text/vcard,text/csv,application/json",
                "data-max-bytes": str(max_bytes),
            }
        )


class MappingForm(forms.Form):
    """Step 2 for a CSV file of unknown shape: which field each column fills.

    One select per column (``column_0``, ``column_1``, …, in file order), so columns with the
    same or an empty header still get a choice of their own.
    """

    def __init__(
        self,
        *args: Any,
        columns: Sequence[str],
        initial_mapping: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.columns = list(columns)
        choices = [(IGNORE, _("ignore this column")), *((n, field_label(n)) for n in FIELD_NAMES)]
        mapping = initial_mapping or {}
        for index, header in enumerate(self.columns):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header or _("(column %(number)d, no header)") % {"number": index + 1},
                choices=choices,
                required=False,
                initial=mapping.get(header, IGNORE),
            )

    def rows(self) -> list[tuple[int, str, forms.BoundField]]:
        return [
            (index, header, self[f"column_{index}"]) for index, header in enumerate(self.columns)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen: dict[str, list[int]] = {}
        for index in range(len(self.columns)):
            field = cleaned.get(f"column_{index}") or IGNORE
            if field != IGNORE:
                chosen.setdefault(field, []).append(index)
        for field, indexes in chosen.items():
            if field not in REPEATABLE_FIELDS and len(indexes) > 1:
                names = ", ".join(f"“{self.columns[i] or i + 1}”" for i in indexes)
                raise forms.ValidationError(
                    _("Only one column can be the %(field)s; now %(columns)s are."),
                    params={"field": field_label(field), "columns": names},
                    code="repeated_field",
                )
        if not chosen.keys() & IDENTIFYING_FIELDS:
            raise forms.ValidationError(
                _(
                    "Choose at least one column with a name, an email address or a phone "
                    "number: without one, nobody in the file can be recognised."
                ),
                code="no_identifying_column",
            )
        return cleaned

    def mapping(self) -> dict[str, str]:
        """``{header: field}`` for the columns that are not ignored (for ``read_records``)."""
        result: dict[str, str] = {}
        for index, header in enumerate(self.columns):
            field = self.cleaned_data.get(f"column_{index}") or IGNORE
            if field != IGNORE:
                result[header] = field
        return result


class ExportFormat:
    VCARD4 = "vcard"
    VCARD3 = "vcard3"
    CSV = "csv"
    JSON = "json"

    # vCard 3.0 is what Google Contacts and iCloud write themselves and what every common
    # address book imports; 4.0 (RFC 6350) is read well only by some (CardDAV servers,
    # Thunderbird). So 3.0 comes first and is the page's default.
    choices = (
        (VCARD3, _("vCard 3.0 (.vcf) — for Google Contacts, Apple Contacts and phones")),
        (VCARD4, _("vCard 4.0 (.vcf) — the newer standard, for address books that read it")),
        (CSV, _("CSV (.csv) — for spreadsheets")),
        (JSON, _("JSON (.json) — everything, to restore into Aandacht")),
    )


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=ExportFormat.choices,
        initial=ExportFormat.VCARD3,
        widget=forms.RadioSelect,
    )
    tag = forms.ModelChoiceField(
        label=_("Who"),
        queryset=Tag.objects.none(),
        required=False,
        empty_label=_("Everyone in the vault"),
        help_text=_("The JSON export always holds the whole vault."),
        error_messages={"invalid_choice": _("Choose a tag from the list.")},
    )

    def __init__(self, *args: Any, vault: Vault, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tag_field = self.fields["tag"]
        assert isinstance(tag_field, forms.ModelChoiceField)
        tag_field.queryset = Tag.objects.filter(vault=vault)
        # The queryset validates the choice; the list itself reads A to Z like everywhere else.
        choices: list[tuple[Any, str]] = [("", str(tag_field.empty_label))]
        choices += [(tag.pk, tag.name) for tag in alphabetical(tag_field.queryset)]
        tag_field.choices = choices


class RestoreForm(forms.Form):
    """Where a JSON export is restored: a new vault (named from the document), or the vault
    the file was uploaded to when that one is still empty.

    Without an empty vault to offer, only the name is asked (``target`` stays "new").
    """

    NEW = "new"
    HERE = "here"

    target = forms.ChoiceField(label=_("Restore into"), widget=forms.RadioSelect, initial=NEW)
    name = forms.CharField(
        label=_("Name of the new vault"),
        max_length=Vault._meta.get_field("name").max_length,
        required=False,
        help_text=_("You become its owner. Vault names are your own: no two can be the same."),
    )

    def __init__(
        self,
        *args: Any,
        here: Vault,
        here_is_empty: bool,
        taken: Callable[[str], bool],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.here = here
        self.here_is_empty = here_is_empty
        self.taken = taken  # name -> bool: whether the user has a vault of that name
        target = self.fields["target"]
        assert isinstance(target, forms.ChoiceField)
        target.choices = [(self.NEW, _("a new vault"))]
        if here_is_empty:
            target.choices = [
                (self.HERE, _("“%(vault)s”, which is empty") % {"vault": here.name}),
                (self.NEW, _("a new vault")),
            ]
        else:
            target.widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        target = cleaned.get("target") or self.NEW
        if target == self.HERE and not self.here_is_empty:
            target = self.NEW
        cleaned["target"] = target
        if target == self.NEW:
            name = " ".join(str(cleaned.get("name") or "").split())
            if not name:
                self.add_error("name", _("Give the new vault a name."))
            elif self.taken(name):
                self.add_error(
                    "name",
                    _("You already have a vault called “%(name)s”; choose another name.")
                    % {"name": name},
                )
            cleaned["name"] = name
        return cleaned
