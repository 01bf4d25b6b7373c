"""Adapters: one module per engine, each implementing a port from services.common.ports."""
