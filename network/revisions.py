"""Which of the network app's models keep revisions (core/revisions.py): pages and documents'
details (a document's file is not versioned: a restore must not point at a replaced file)."""

from core.revisions import versioned
from network.models import Document, Page


def register():
    """Called by the app's AppConfig.ready()."""
    versioned(Page)
    versioned(Document)
