"""Plans, subscriptions through Stripe, the limits they set, and hosted AI."""
