"""Backups of a whole instance: ``aandacht backup`` / ``aandacht restore`` and the scheduled job.

The archive is one zip file (see :mod:`aandacht.backup.archive`): a manifest, the database
and the media files. How the database gets in depends on the vendor (:mod:`.make`); every
restore goes through a temporary SQLite file brought to this code's schema (:mod:`.restore`),
so a backup from either database restores into either database.
"""
