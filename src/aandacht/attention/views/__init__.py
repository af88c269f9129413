"""The keep-in-touch pages, one module per area; ``attention/urls.py`` joins their routes."""
