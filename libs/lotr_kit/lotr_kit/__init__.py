"""Runtime plumbing shared by the LotR API services.

What every service would otherwise copy: the query engine (lotr_kit.query), the generic list
and detail APIs with their OpenAPI schema, the error shape, tokens (auth), events, health,
metrics, the server, and reading The One API's data (CSV import, sync). It knows the API's
common shapes (the envelope, favorites, tokens, The One API's collections) but no service's
resources: each service declares its own (its `resources.py`) and owns its models, selectors
and services. No test code lives here: the kit's own tests are in libs/lotr_kit/tests, the
services' test harness is the lotr_kit_testing package.
"""
