"""The translation catalogues (``<language>/LC_MESSAGES/django.po``) and their compiler.

Being a package lets the compiler ship with the app, so an install without ``make`` (and
without the system's gettext) still gets working ``.mo`` files; see :mod:`.messages`.
"""
