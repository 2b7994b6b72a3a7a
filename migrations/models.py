"""Every module that defines tables, imported so the metadata is complete."""

import prodready.accounts.models  # noqa: F401
