"""The GoHighLevel sandbox (see ``app.py``)."""

from sandbox.ghl.app import GHLOptions, GHLSandbox

__all__ = ["GHLOptions", "GHLSandbox"]
