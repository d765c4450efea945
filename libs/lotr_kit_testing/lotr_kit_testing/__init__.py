"""The LotR API services' test harness: their pytest plugin, the contracts every suite
subclasses, tokens of a suite's own. Installed in test environments only
(requirements-dev.txt), never in a service image."""
