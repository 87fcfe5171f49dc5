"""Node converters, grouped by kind; ``workflows.n8n.mapping`` says which applies to which n8n
node type and typeVersion, and ``base`` is their contract."""
