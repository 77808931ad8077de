"""Platform billing (issue 26): the operator's plans, each community's Stripe
subscription, and what a plan allows. Off without ``STRIPE_SECRET_KEY``. docs/billing.md."""
