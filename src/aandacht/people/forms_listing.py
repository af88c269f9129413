"""Forms of the people list: what to show (search, tag, archived) and tagging many at once."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from aandacht.accounts.models import Vault
from aandacht.people import tagging
from aandacht.people.models import Person, Tag
from aandacht.web.access import positive_id

QUERY_MAX_LENGTH = 200


class PeopleFilterForm(forms.Form):
    """The list's GET parameters; a bad value shows an error and is otherwise ignored."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=QUERY_MAX_LENGTH,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "spellcheck": "false",
                "placeholder": _("Name, nickname, place, organisation…"),
            }
        ),
    )
    tag = forms.TypedChoiceField(
        label=_("Tag"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={
            "invalid_choice": _("That tag does not exist (any more); showing everyone.")
        },
    )
    archived = forms.BooleanField(label=_("Include archived people"), required=False)

    def __init__(self, *args: Any, tags: list[Tag], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tags = {tag.pk: tag for tag in tags}
        field = self.fields["tag"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("All tags")), *((str(tag.pk), tag.name) for tag in tags)]

    def value(self, name: str) -> Any:
        """The cleaned value of one field, or its empty value when that field is invalid."""
        if not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name)

    @property
    def query(self) -> str:
        return (self.value("q") or "").strip()

    @property
    def chosen_tag(self) -> Tag | None:
        pk = self.value("tag")
        return self.tags.get(pk) if pk is not None else None

    @property
    def include_archived(self) -> bool:
        return bool(self.value("archived"))


class PersonIdsField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Ticked people by id; an id no database can hold (2**70, "²") is an invalid choice,
    not an OverflowError from the database (a 500)."""

    def clean(self, value: Any) -> Any:
        for each in value or []:
            text = str(each)
            if positive_id(text) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": text[:20]},
                )
        return super().clean(value)


class BulkTagForm(forms.Form):
    """Put one tag on (or take it off) the people ticked in the list."""

    ADD = "add"
    REMOVE = "remove"

    person = PersonIdsField(
        queryset=Person.objects.none(),
        error_messages={
            "required": _("Tick at least one person first."),
            "invalid_choice": _("Some of the people you ticked are no longer here."),
            "invalid_pk_value": _("Some of the people you ticked are no longer here."),
        },
    )
    tag = forms.ModelChoiceField(
        label=_("Tag"),
        queryset=Tag.objects.none(),
        required=False,
        empty_label=_("Choose a tag…"),
        error_messages={"invalid_choice": _("That tag does not exist (any more).")},
    )
    new_tag = forms.CharField(
        label=_("or a new tag"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": tagging.NAME_MAX_LENGTH, "autocomplete": "off"}),
    )
    action = forms.ChoiceField(
        choices=[(ADD, _("Add tag")), (REMOVE, _("Remove tag"))],
        initial=ADD,
        error_messages={"invalid_choice": _("Choose to add or to remove the tag.")},
    )

    def __init__(
        self, *args: Any, vault: Vault, tags: list[Tag] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.vault = vault
        person = self.fields["person"]
        tag = self.fields["tag"]
        assert isinstance(person, forms.ModelMultipleChoiceField)
        assert isinstance(tag, forms.ModelChoiceField)
        person.queryset = Person.objects.in_vault(vault)
        tag.queryset = Tag.objects.filter(vault=vault)
        if tags is not None:  # already fetched by the list: no second query to render it
            tag.choices = [("", tag.empty_label), *((each.pk, each.name) for each in tags)]

    def clean_new_tag(self) -> str:
        name: str = self.cleaned_data["new_tag"]
        if not name.strip():
            return ""
        if len(" ".join(name.split())) > tagging.NAME_MAX_LENGTH:
            raise ValidationError(
                _("Keep tag names to %(limit)d characters."),
                code="max_length",
                params={"limit": tagging.NAME_MAX_LENGTH},
            )
        return name

    def clean(self) -> dict[str, Any]:
        data = self.cleaned_data
        tag, new_tag, action = data.get("tag"), data.get("new_tag"), data.get("action")
        if "tag" in self.errors or "new_tag" in self.errors:
            return data
        if tag is not None and new_tag:
            self.add_error("new_tag", _("Choose a tag or type a new one, not both."))
        elif tag is None and not new_tag:
            self.add_error("tag", _("Choose a tag, or type the name of a new one."))
        elif new_tag and action == self.REMOVE:
            existing = tagging.existing_tag(self.vault, new_tag)
            if existing is None:
                self.add_error("new_tag", _("There is no tag by that name to remove."))
            else:
                data["tag"], data["new_tag"] = existing, ""
        return data

    def chosen_tag(self) -> Tag:
        """The tag to apply, created now when it was typed as a new one."""
        tag: Tag | None = self.cleaned_data.get("tag")
        if tag is not None:
            return tag
        return tagging.find_or_create_tag(self.vault, self.cleaned_data["new_tag"])
