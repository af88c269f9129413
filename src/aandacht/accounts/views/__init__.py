"""Account pages, one module per concern; ``accounts/urls.py`` joins their ``urlpatterns``."""
