"""Password reset by email: ask, mail sent, choose a new password, done.

Django's views with Aandacht's templates; the same answer whether or not an account uses the
address, so the form cannot be used to find out who has an account.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse_lazy

from aandacht.accounts import password_reset as service


class PasswordReset(auth_views.PasswordResetView):
    form_class = service.ResetRequestForm
    template_name = "accounts/password_reset.html"
    email_template_name = service.EMAIL_TEMPLATE
    html_email_template_name = service.HTML_EMAIL_TEMPLATE
    subject_template_name = service.SUBJECT_TEMPLATE
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        if not service.claim_reset_mail(form.cleaned_data["email"]):
            # A mail went to this address a moment ago: the same answer, no second mail.
            return HttpResponseRedirect(self.get_success_url())
        response: HttpResponse = super().form_valid(form)
        return response


class PasswordResetDone(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context["minutes"] = service.link_minutes()
        return context


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: SetPasswordForm[Any]) -> HttpResponse:
        response: HttpResponse = super().form_valid(form)
        service.forget_failed_sign_ins(form.user)
        return response


class PasswordResetComplete(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


urlpatterns: list[URLPattern] = [
    path("password/reset/", PasswordReset.as_view(), name="password_reset"),
    path("password/reset/sent/", PasswordResetDone.as_view(), name="password_reset_done"),
    path(
        "password/reset/complete/",
        PasswordResetComplete.as_view(),
        name="password_reset_complete",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
]
