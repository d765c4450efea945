"""The real parts, as processes on loopback, for system tests: services under their server and
the gateway (nginx) rendered from its template exactly as the image and `make run` do. All of
it is lotr_devstack's, the one supervisor `make run` and the benchmark use too."""

from lotr_devstack import (  # noqa: F401  re-exported for the suites
    BIN,
    REPO,
    GatewayProcess,
    Process,
    ServiceProcess,
    StartError,
    free_port,
    nginx_binary,
    system_database_url,
)
