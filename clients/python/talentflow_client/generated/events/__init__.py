"""Generated from docs/asyncapi.json by clients/python/generate.py: do not edit."""
