"""PostgreSQL with health checks after idle time; see base.py."""
