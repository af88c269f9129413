"""The web app has no models of its own. This module exists so Django sends this app's
``post_migrate`` signal, after which the write stamp's triggers are installed (``stamp``)."""
