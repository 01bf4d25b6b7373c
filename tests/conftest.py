"""Shared fixtures: each engine's fixture lives in tests/fixtures and is registered here."""

pytest_plugins = [
    "tests.fixtures.engines",
    "tests.fixtures.kafka",
    "tests.fixtures.redis",
    "tests.fixtures.search",
]
