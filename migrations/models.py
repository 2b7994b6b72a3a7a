"""Every module that defines tables, imported so the metadata is complete."""

import assessments.models  # noqa: F401
import credentials.models  # noqa: F401
import practice.models  # noqa: F401
import prodready.accounts.models  # noqa: F401
import question_bank.models  # noqa: F401
import sandbox.models  # noqa: F401
