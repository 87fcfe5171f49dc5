"""GHL services: the logic behind the commands, tasks, views, steps and admin actions.

    sync        ``sync(names, full=…)``: pipelines, users, contacts, opportunities → mirror
    feeds       paging through GHL's lists (searchAfter, startAfter/startAfterId)
    mirror      writing pages into the ``ghl_*`` tables (+ events for changes)
    records     GHL JSON → table rows
    stages      the estimate-status → stage mapping (defaults, look-up)
    staff       ``employees``: ServiceTitan people ↔ GHL users
    events      ``ghl.contact.updated`` / ``ghl.opportunity.updated``
    webhooks    ``receive(body, headers)``: check and store a webhook delivery
    deliveries  ``apply_delivery`` / ``retry_due``: apply accepted deliveries, with retries
    apply       one webhook event → the mirror
"""
