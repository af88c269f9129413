"""Password reset by email: ask, mail sent, choose a new password, done.

Django's views with Aandacht's templates; the same answer, in the same time, whether or not an
account uses the address, so the form cannot be used to find out who has an account: the
address is looked up and the mail sent after the answer, off the request path
(``accounts.password_reset.send_reset_mail_later``). Choosing a new password never signs in
(``post_reset_login`` stays off): a person with two-factor sign-in on must still give a code,
so the next step is the sign-in page.
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
        email: str = form.cleaned_data["email"]
        # A mail went to this address a moment ago: the same answer, no second mail.
        if service.claim_reset_mail(email):
            service.send_reset_mail_later(email, self.request)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetDone(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context["minutes"] = service.link_minutes()
        return context


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    post_reset_login = False  # never: two-factor sign-in would be skipped
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
