"""Record generators: ``generator(tenant, index) -> dict`` per resource, shaped like the
ServiceTitan spec's ``Export_*`` response schemas. They read the plan in ``layout.Tenant``
and draw everything else from a ``Dice`` keyed by the record, so they are pure functions."""
