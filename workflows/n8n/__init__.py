"""Importing n8n workflows as native definitions, with a report of what did not carry over.

``reader`` turns an export file into workflow objects (or one clear reason why not);
``convert`` turns one workflow into inactive definitions and its report, using ``graph`` (the
nodes and connections), ``triggers`` and ``nodes/*`` (one converter per node type and
typeVersion family, declared in ``mapping``), ``expressions`` and ``rules`` (n8n expressions
and conditions to our templates and rules, by pattern: nothing n8n wrote is ever evaluated or
run) and ``layout`` (the graph as a list of steps). ``report`` is what the command prints,
the admin shows and each definition keeps. The service that writes is
``workflows.services.n8n_import``.
"""
