"""prodready: interview prep and skill assessment for production ML literacy."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("prodready")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0+local"
