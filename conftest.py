# Fixtures for the system tests (tests/system) and the gateway tests (gateway/tests),
# which the root pytest run collects; the services' own suites have their own rootdirs.
pytest_plugins = ["tests.fixtures"]
