"""Development only: the one supervisor behind `make run`, the system tests, the benchmark
and `make chaos`. Every part runs as a process group of its own, ports are checked before
anything starts, and a failure stops what was started. Never installed in a service image."""

from .databases import fresh_database, system_database_url
from .ports import free_port, holder, listeners, port_taken
from .processes import (
    BIN,
    REPO,
    GatewayProcess,
    Process,
    ServiceProcess,
    StartError,
    group_members,
    nginx_binary,
    stop_group,
)

__all__ = [
    "BIN",
    "REPO",
    "GatewayProcess",
    "Process",
    "ServiceProcess",
    "StartError",
    "free_port",
    "fresh_database",
    "group_members",
    "holder",
    "listeners",
    "nginx_binary",
    "port_taken",
    "stop_group",
    "system_database_url",
]
