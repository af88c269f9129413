"""The import pages (upload, column mapping, preview, import, history) and the export page.

An import runs in steps a person can follow: upload a file, map the columns of an unknown CSV,
look at the preview (new people, matches, conflicts, unreadable records), then import. Each
step is a plain form, so it all works without JavaScript; the preview and the import of a large
file run in the background (``jobs``) and the page polls for progress with htmx, or refreshes
itself without it.

Importing needs the owner or editor role (a viewer's POST is a 403); another vault's job is a
404. Exporting needs only read access: a viewer takes home what they can see.
"""

from __future__ import annotations

import io
import re
import tempfile
import uuid
from collections.abc import Callable
from pathlib import PurePath
from typing import IO, Any, Literal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.text import get_valid_filename, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aandacht.accounts.models import Vault
from aandacht.exchange import exporting, jobs, json_document, sources
from aandacht.exchange.forms import (
    ExportForm,
    ExportFormat,
    MappingForm,
    RestoreForm,
    UploadForm,
)
from aandacht.exchange.labels import (
    any_field_label,
    display_value,
    is_skipped_on_purpose,
    restored_label,
    skipped_on_purpose,
)
from aandacht.exchange.models import ImportFormat, ImportJob, ImportStatus
from aandacht.exchange.records import UnreadableFile
from aandacht.exchange.uploads import LimitedUploadHandler, announces_too_much
from aandacht.people.models import Tag
from aandacht.web.access import (
    HtmxHttpRequest,
    can_write,
    current_vault,
    remember_vault,
    require_writer,
    signed_in_user,
)

HISTORY_SIZE = 20
SAMPLE_ROWS = 3
# How many conflicts and unreadable records a page lists; the counts say how many there are.
LIST_LIMIT = 200


def import_url(vault: Vault) -> str:
    return f"{reverse('exchange:import')}?{urlencode({'vault': vault.pk})}"


def job_url(job: ImportJob) -> str:
    return reverse("exchange:job", args=[job.pk])


def job_for(request: HttpRequest, pk: int, *, write: bool = False) -> ImportJob:
    """An import job of one of the user's vaults (404 otherwise); ``write`` needs a writer."""
    user = signed_in_user(request)
    job = (
        ImportJob.objects.select_related("vault", "user")
        .filter(pk=pk, vault__memberships__user=user)
        .first()
    )
    if job is None:
        raise Http404("no such import")
    if write:
        require_writer(user, job.vault)
    remember_vault(request, job.vault_id)
    return job


def too_big_message() -> str:
    return _(
        "This file is larger than %(limit)s MB, the most Aandacht takes in one import. Split "
        "it into smaller files, or ask whoever runs Aandacht to raise AANDACHT_IMPORT_MAX_MB."
    ) % {"limit": number_format(settings.IMPORT_MAX_BYTES // (1024 * 1024))}


# ---------------------------------------------------------------------------------------------
# Upload and history


@csrf_exempt  # checked in _receive_upload, after our upload handler is in place
@require_http_methods(["GET", "POST"])
@login_required
@jobs.start_after_response
def import_page(request: HttpRequest) -> HttpResponse:
    """The upload form and the vault's import history; a POST uploads a file.

    The body of a POST is only read once the size-limiting upload handler is installed: an
    upload announced larger than the limit is answered without reading it at all.
    """
    user = signed_in_user(request)
    vault = current_vault(request)
    limit = settings.IMPORT_MAX_BYTES
    if request.method != "POST":
        form = UploadForm(max_bytes=limit) if can_write(user, vault) else None
        return _render_import_page(request, vault, form)
    require_writer(user, vault)
    if announces_too_much(request, limit):
        # Nothing of the body is read (no CSRF token either); nothing is stored.
        form = UploadForm({"format": ImportFormat.AUTO}, {}, max_bytes=limit)
        _refuse(form, too_big_message())
        return _render_import_page(request, vault, form, status=413)
    handler = LimitedUploadHandler(request, limit=limit)
    request.upload_handlers = [handler]
    return _receive_upload(request, vault=vault, handler=handler)


@csrf_protect
def _receive_upload(
    request: HttpRequest, *, vault: Vault, handler: LimitedUploadHandler
) -> HttpResponse:
    user = signed_in_user(request)
    limit = settings.IMPORT_MAX_BYTES
    form = UploadForm(request.POST, request.FILES, max_bytes=limit)
    if handler.too_big:
        _refuse(form, too_big_message())
        return _render_import_page(request, vault, form, status=413)
    if not form.is_valid():
        return _render_import_page(request, vault, form, status=400)
    upload: UploadedFile = form.cleaned_data["file"]
    chosen = form.cleaned_data["format"]
    if not upload.size:
        _refuse(form, _("The file is empty: there is nothing in it to import."))
        return _render_import_page(request, vault, form, status=400)
    head = upload.read(jobs.HEAD_BYTES)
    upload.seek(0)
    filename = PurePath(upload.name or "").name or "contacts"
    try:
        detected = sources.detect_format(head, filename)
    except UnreadableFile as problem:
        # Empty and binary files are refused whatever format was chosen; an unknown format
        # only when the choice was left to detection.
        if chosen == ImportFormat.AUTO or problem.code in {"empty", "binary"}:
            _refuse(form, str(problem))
            return _render_import_page(request, vault, form, status=400)
        detected = ""
    job = ImportJob(
        vault=vault,
        user=user,
        filename=filename[:255],
        size=upload.size,
        format=chosen,
        detected_format=detected,
    )
    job.upload.save(_storage_name(filename), upload, save=False)
    job.save()
    jobs.drop_abandoned(vault.pk)
    return _after_upload(request, job)


def _storage_name(filename: str) -> str:
    """A name nobody can guess or collide with; the real name is kept on the job."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return get_valid_filename(f"{uuid.uuid4().hex}{suffix}")


def _after_upload(request: HttpRequest, job: ImportJob) -> HttpResponse:
    if jobs.effective_format(job) == ImportFormat.CSV:
        return redirect("exchange:mapping", pk=job.pk)
    jobs.start_preview(job)
    return redirect(job_url(job))


def _refuse(form: UploadForm, message: str) -> None:
    form.is_valid()
    form.errors.pop("file", None)
    form.add_error("file", message)


def _render_import_page(
    request: HttpRequest, vault: Vault, form: UploadForm | None, *, status: int = 200
) -> HttpResponse:
    history = list(
        ImportJob.objects.filter(vault=vault)
        .select_related("user")
        .defer("preview", "mapping")
        .order_by("-created_at", "-id")[:HISTORY_SIZE]
    )
    now = timezone.now()
    rows = [_history_row(job, now) for job in history]
    return render(
        request,
        "exchange/import.html",
        {
            "vault": vault,
            "form": form,
            "history": rows,
            "max_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024),
            "export_url": f"{reverse('exchange:export')}?{urlencode({'vault': vault.pk})}",
        },
        status=status,
    )


def _history_row(job: ImportJob, now: Any) -> dict[str, Any]:
    summary = job.result or {}
    return {
        "job": job,
        "interrupted": jobs.is_interrupted(job, now=now),
        "created": summary.get("created"),
        "updated": summary.get("updated"),
        "unchanged": summary.get("unchanged"),
        "errors": (
            sum(1 for each in summary["errors"] if not is_skipped_on_purpose(each))
            if "errors" in summary
            else None
        ),
        "restored_into": summary.get("vault_name") if summary.get("restore") else None,
        # Why it failed, in short (the job page has the whole message).
        "reason": _short(job.error or (summary.get("error") or {}).get("message", ""))
        if job.status == ImportStatus.FAILED
        else "",
    }


REASON_CHARS = 140


def _short(text: str) -> str:
    """The first sentence of a message, at most REASON_CHARS characters."""
    text = " ".join(str(text).split())
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    if len(first) > REASON_CHARS:
        first = first[: REASON_CHARS - 1].rstrip() + "…"
    return first


# ---------------------------------------------------------------------------------------------
# Column mapping (generic CSV)


@require_http_methods(["GET", "POST"])
@login_required
@jobs.start_after_response
def mapping_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Which field each column of a CSV file fills, suggested from the headers."""
    job = job_for(request, pk, write=True)
    if job.status not in {ImportStatus.UPLOADED, ImportStatus.PREVIEWED, ImportStatus.FAILED}:
        return redirect(job_url(job))
    if not job.upload or jobs.effective_format(job) != ImportFormat.CSV:
        return redirect(job_url(job))
    try:
        columns, samples = jobs.csv_columns(job, SAMPLE_ROWS)
    except UnreadableFile as problem:
        jobs.fail(job, problem.code, str(problem))
        return redirect(job_url(job))
    if not any(columns):
        jobs.fail(
            job,
            "no_columns",
            _("This CSV file has no column headers, so there is nothing to map."),
        )
        return redirect(job_url(job))
    initial = job.mapping or jobs.suggest_mapping(columns)
    form = MappingForm(
        request.POST if request.method == "POST" else None,
        columns=columns,
        initial_mapping=initial,
    )
    if request.method == "POST" and form.is_valid():
        ImportJob.objects.filter(pk=job.pk).update(mapping=form.mapping())
        job.mapping = form.mapping()
        jobs.start_preview(job)
        return redirect(job_url(job))
    rows = [
        (bound, header, [sample[index] if index < len(sample) else "" for sample in samples])
        for index, header, bound in form.rows()
    ]
    return render(
        request,
        "exchange/mapping.html",
        {
            "job": job,
            "vault": job.vault,
            "form": form,
            "rows": rows,
            "cancel_url": reverse("exchange:cancel", args=[job.pk]),
        },
        status=400 if form.errors else 200,
    )


# ---------------------------------------------------------------------------------------------
# The job: progress, preview, result


@require_GET
@login_required
def job_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """One import: its progress while it runs, then its preview or its result.

    htmx polls the progress part every second; when the job is no longer running, the poll
    answers with a full reload so the page shows the preview or the result.
    """
    job = job_for(request, pk)
    context = _job_context(request, job)
    if request.htmx and request.htmx.target == "import-progress":
        if not context["running"]:
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        response = render(request, "exchange/job.html#progress", context)
    else:
        response = render(request, "exchange/job.html", context)
    patch_vary_headers(response, ["HX-Request"])
    response["Cache-Control"] = "no-store"
    return response


def _job_context(
    request: HttpRequest, job: ImportJob, *, restore_form: RestoreForm | None = None
) -> dict[str, Any]:
    interrupted = jobs.is_interrupted(job)
    running = job.status in jobs.RUNNING and not interrupted
    fmt = jobs.effective_format(job)
    # Where a record is: a card in a vCard file, a line in a CSV file.
    by_line = fmt in {ImportFormat.CSV, ImportFormat.LINKEDIN, ImportFormat.GOOGLE}
    done = job.status == ImportStatus.DONE
    report = job.result if done else job.preview
    user = signed_in_user(request)
    writer = can_write(user, job.vault)
    report_view = _report_view(report, by_line=by_line) if report else None
    if (
        restore_form is None
        and writer
        and report_view
        and report_view["restore"]
        and job.status == ImportStatus.PREVIEWED
    ):
        restore_form = restore_form_for(job, user)
    result_vault = job.vault_id
    if done and report_view and report_view["restore"] and report.get("vault_id"):  # type: ignore[union-attr]
        result_vault = int(report["vault_id"])  # type: ignore[index]
    # The header names the vault the data is in: after a restore into a new vault, that one.
    header_vault = job.vault.name
    if done and report_view and report_view["restore"] and report_view["vault_name"]:
        header_vault = str(report_view["vault_name"])
    return {
        "job": job,
        "vault": job.vault,
        "header_vault": header_vault,
        "can_write": writer,
        "running": running,
        "interrupted": interrupted,
        "phase": jobs.phase_of(job) if running else None,
        "report": report_view,
        "done": done,
        "restore_form": restore_form,
        "error": (job.result or {}).get("error") if job.status == ImportStatus.FAILED else None,
        "format_label": ImportFormat(fmt).label if fmt in ImportFormat.values else fmt,
        "is_csv": fmt == ImportFormat.CSV,
        "by_line": by_line,
        "import_url": import_url(job.vault),
        "people_url": f"{reverse('people:list')}?{urlencode({'vault': result_vault})}",
    }


def restore_form_for(job: ImportJob, user: Any, data: Any = None) -> RestoreForm:
    """The choice of where a previewed JSON export goes, the new vault's name prefilled."""
    preview = job.preview or {}
    here_is_empty = bool(preview.get("vault_is_empty"))
    suggested = jobs.unique_vault_name(user, str(preview.get("document_vault") or job.vault.name))
    return RestoreForm(
        data,
        here=job.vault,
        here_is_empty=here_is_empty,
        taken=lambda name: jobs.has_vault_named(user, name),
        initial={
            "target": RestoreForm.HERE if here_is_empty else RestoreForm.NEW,
            "name": suggested,
        },
    )


# The parts of a restored JSON export, as the result page names them.


# How a match was found, in words ("name+organisation" and the like for the name rule's
# second thing in common, when the report says which).
RULE_LABELS = {
    "uid": gettext_lazy("the same card as imported before"),
    "email": gettext_lazy("same email address"),
    "phone": gettext_lazy("same phone number"),
    "social": gettext_lazy("same social profile"),
    "name": gettext_lazy("similar name and something else in common"),
    "name+organisation": gettext_lazy("similar name and same organisation"),
    "name+city": gettext_lazy("similar name and same city"),
    "name+birthday": gettext_lazy("similar name and same birthday"),
}
_RULE_PARTS = re.compile(r"[^a-z]+")


def rule_label(rule: str) -> str:
    """ "same email address" for ``email``; "similar name and same city" for ``name:city``."""
    words = [each for each in _RULE_PARTS.split(str(rule).lower()) if each]
    if words[:1] == ["name"] and len(words) > 1:
        words[1] = {"org": "organisation", "organization": "organisation"}.get(words[1], words[1])
        key = f"name+{words[1]}"
    else:
        key = words[0] if words else ""
    return str(RULE_LABELS.get(key, rule))


def where_label(record: Any, *, by_line: bool) -> str:
    """ "Card 7" in a vCard file, "Line 12" in a CSV file; "Outside the cards" for record 0 of
    a vCard file (text before, between or after the cards)."""
    if not by_line and str(record) == "0":
        return _("Outside the cards")
    try:
        number = number_format(int(record), force_grouping=True)
    except (TypeError, ValueError):
        number = str(record)
    if by_line:
        return _("Line %(number)s") % {"number": number}
    return _("Card %(number)s") % {"number": number}


def nothing_to_do(summary: dict[str, Any]) -> bool:
    """Whether importing a previewed file would change nothing: no one new, nothing added to
    anyone, no conflict to keep on record (a JSON restore always has something to do)."""
    if summary.get("restore"):
        return False
    return (
        int(summary.get("created", 0)) == 0
        and int(summary.get("updated", 0)) == 0
        and not summary.get("conflicts")
    )


def _report_view(summary: dict[str, Any], *, by_line: bool = False) -> dict[str, Any]:
    conflicts = list(summary.get("conflicts", []))
    problems = list(summary.get("errors", []))
    # A contact group is left out by design: listed apart, not as a record that was unreadable.
    errors = [each for each in problems if not is_skipped_on_purpose(each)]
    warnings = list(summary.get("warnings", []))
    new_people = list(summary.get("new_people") or [])
    updated_people = list(summary.get("updated_people") or [])
    created = int(summary.get("created", 0))
    updated = int(summary.get("updated", 0))
    unchanged = int(summary.get("unchanged", 0))
    return {
        "restore": bool(summary.get("restore")),
        "restored": [
            (restored_label(key), count)
            for key, count in (summary.get("restored") or {}).items()
            if count
        ],
        "vault_name": summary.get("vault_name", ""),
        "created": created,
        "updated": updated,
        "unchanged": unchanged,
        "nothing_new": created == 0 and updated == 0 and unchanged > 0,
        # Importing would write nothing and record no conflict: the page offers "Done".
        "nothing_to_do": nothing_to_do(summary),
        "skipped": skipped_on_purpose(problems),
        "merged_in_file": summary.get("merged_in_file", 0),
        "matched": updated + unchanged,
        "records": summary.get("records", 0),
        "conflict_count": len(conflicts),
        "conflicts": [
            {
                **conflict,
                "field_label": any_field_label(str(conflict.get("field", ""))),
                "existing": display_value(conflict.get("existing")),
                "incoming": display_value(conflict.get("incoming")),
                "where": where_label(conflict.get("record"), by_line=by_line),
            }
            for conflict in conflicts[:LIST_LIMIT]
        ],
        "error_count": len(errors),
        "errors": [
            {**problem, "where": where_label(problem.get("record"), by_line=by_line)}
            for problem in errors[:LIST_LIMIT]
        ],
        "warning_count": len(warnings),
        "warnings": [
            {**problem, "where": where_label(problem.get("record"), by_line=by_line)}
            for problem in warnings[:LIST_LIMIT]
        ],
        "has_people_lists": "new_people" in summary or "updated_people" in summary,
        "new_people": [
            {**each, "where": where_label(each.get("record"), by_line=by_line)}
            for each in new_people[:LIST_LIMIT]
        ],
        "new_people_more": int(summary.get("new_people_more") or 0)
        + max(0, len(new_people) - LIST_LIMIT),
        "updated_people": [
            {
                **each,
                "where": where_label(each.get("record"), by_line=by_line),
                "rule_label": rule_label(str(each.get("rule", ""))),
                "added": [
                    {
                        "label": any_field_label(str(item.get("field", ""))),
                        "value": display_value(item.get("value")),
                    }
                    for item in each.get("added") or []
                ],
            }
            for each in updated_people[:LIST_LIMIT]
        ],
        "updated_people_more": int(summary.get("updated_people_more") or 0)
        + max(0, len(updated_people) - LIST_LIMIT),
    }


@require_POST
@login_required
@jobs.start_after_response
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Read the file again (after a failure, or a changed mapping)."""
    job = job_for(request, pk, write=True)
    if job.upload and not jobs.start_preview(job):
        messages.info(request, _("This file is already being read."))
    return redirect(job_url(job))


@require_POST
@login_required
@jobs.start_after_response
def run_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Import the previewed file. A second press (a double click, a resent form) finds the
    job no longer waiting and only shows where it is: the file is imported once."""
    job = job_for(request, pk, write=True)
    if job.status == ImportStatus.PREVIEWED and nothing_to_do(job.preview or {}):
        # A form from before the page offered "Done", or a resent one: nothing is imported,
        # so nothing goes into the history either.
        return _finish_unneeded(request, job)
    if job.status == ImportStatus.PREVIEWED and (job.preview or {}).get("restore"):
        user = signed_in_user(request)
        form = restore_form_for(job, user, request.POST)
        if not form.is_valid():
            context = _job_context(request, job, restore_form=form)
            return render(request, "exchange/job.html", context, status=400)
        into = (
            {"new_vault": form.cleaned_data["name"]}
            if form.cleaned_data["target"] == RestoreForm.NEW
            else {}
        )
        preview = {**(job.preview or {}), "restore_into": into}
        ImportJob.objects.filter(pk=job.pk, status=ImportStatus.PREVIEWED).update(preview=preview)
        job.preview = preview
    if not jobs.start_import(job):
        if job.status not in jobs.RUNNING and job.status != ImportStatus.DONE:
            messages.error(request, _("This file is not ready to import."))
    return redirect(job_url(job))


@require_POST
@login_required
@jobs.start_after_response
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Start an interrupted preview or import again (an interrupted import wrote nothing)."""
    job = job_for(request, pk, write=True)
    jobs.retry(job)
    return redirect(job_url(job))


@require_POST
@login_required
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Drop an import that has not been done: its uploaded file is deleted.

    "Done" on a preview with nothing to import posts here too: that job is deleted with its
    file, so the history lists only imports that did something (or were cancelled).
    """
    job = job_for(request, pk, write=True)
    if job.status == ImportStatus.PREVIEWED and nothing_to_do(job.preview or {}):
        return _finish_unneeded(request, job)
    if jobs.cancel(job):
        messages.success(
            request,
            _("Import of “%(name)s” cancelled; the uploaded file is deleted.")
            % {"name": job.filename},
        )
        return redirect(import_url(job.vault))
    messages.error(request, _("This import can no longer be cancelled."))
    return redirect(job_url(job))


def _finish_unneeded(request: HttpRequest, job: ImportJob) -> HttpResponse:
    """A previewed file with nothing to import: delete it and its job, say so, back to imports."""
    if not jobs.discard(job):
        return redirect(job_url(job))
    messages.success(
        request,
        _("Nothing to import from “%(name)s”: it holds nothing new. The uploaded file is deleted.")
        % {"name": job.filename},
    )
    return redirect(import_url(job.vault))


# ---------------------------------------------------------------------------------------------
# Export


EXPORT_TYPES = {
    ExportFormat.VCARD4: ("text/vcard; charset=utf-8", "vcf"),
    ExportFormat.VCARD3: ("text/vcard; charset=utf-8", "vcf"),
    ExportFormat.CSV: ("text/csv; charset=utf-8", "csv"),
    ExportFormat.JSON: ("application/json", "json"),
}
# An export is written to a temporary file that moves to disk past this size, then streamed.
SPOOL_BYTES = 8 * 1024 * 1024


@require_GET
@login_required
def export_page(request: HttpRequest) -> HttpResponseBase:
    """Choose a format (and a tag); ``?download=1`` sends the file."""
    vault = current_vault(request)
    bound = "format" in request.GET
    form = ExportForm(request.GET if bound else None, vault=vault)
    if bound and form.is_valid():
        return _export_response(
            request, vault, form.cleaned_data["format"], form.cleaned_data["tag"]
        )
    return render(
        request,
        "exchange/export.html",
        {
            "vault": vault,
            "form": form,
            "import_url": import_url(vault),
            "can_write": can_write(signed_in_user(request), vault),
        },
        status=400 if bound else 200,
    )


def _export_response(
    request: HttpRequest, vault: Vault, fmt: str, tag: Tag | None
) -> HttpResponseBase:
    user = signed_in_user(request)
    content_type, extension = EXPORT_TYPES[fmt]
    write = _exporter(vault, fmt, tag, user)
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (the response closes it)
    text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
    write(text)
    text.flush()
    text.detach()
    spool.seek(0)
    stem = slugify(vault.name) or "aandacht"
    if tag is not None and fmt != ExportFormat.JSON:
        stem = f"{stem}-{slugify(tag.name) or 'tag'}"
    suffix = "-vcard3" if fmt == ExportFormat.VCARD3 else ""
    filename = f"{stem}{suffix}-{timezone.localdate().isoformat()}.{extension}"
    response = FileResponse(spool, as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = "no-store"
    return response


def _exporter(vault: Vault, fmt: str, tag: Tag | None, user: Any) -> Callable[[IO[str]], Any]:
    if fmt == ExportFormat.CSV:
        return lambda out: exporting.export_csv(vault, out, tag=tag)
    if fmt == ExportFormat.JSON:
        return lambda out: json_document.export_json(vault, out, user=user)
    version: Literal["4.0", "3.0"] = "3.0" if fmt == ExportFormat.VCARD3 else "4.0"
    return lambda out: exporting.export_vcards(vault, out, version=version, tag=tag)
