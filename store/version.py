"""The code's version, read from the installed distribution's metadata (pyproject.toml)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("compute-deals")
except PackageNotFoundError:  # run from a checkout that was never installed
    __version__ = "0+unknown"
