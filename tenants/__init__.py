"""Communities (tenants): the model, membership, activation of plugins, and query scoping."""
