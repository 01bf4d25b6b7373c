"""Training courses of the jobs service (DESIGN §3): their domain, store, handlers and routes."""
