"""The local stack's commands, kept for habit: the same as `python -m lotr_devstack ...`
(libs/lotr_devstack), which the Makefile's run, stop, status, logs, restart, reload, serve
and chaos targets call."""

import sys

from lotr_devstack.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
