"""The ServiceTitan sandbox: ``ServiceTitanSandbox(scale, seed, **options)``."""

from sandbox.servicetitan.app import ServiceTitanSandbox

__all__ = ["ServiceTitanSandbox"]
