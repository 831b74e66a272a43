"""The version of vnplan, written into every result and the batch manifest."""

__version__ = "0.2.0"
