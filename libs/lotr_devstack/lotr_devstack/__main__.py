"""python -m lotr_devstack COMMAND: the local stack (what the Makefile's targets call).

    run                  migrate, import, start every service and the gateway; return once all answer
                         (a second run with the stack up says so and changes nothing)
    stop                 stop exactly what `run` started (whole process groups)
    status               which parts run and answer, and who else answers on their ports
    logs [PART] [-n N]   the last lines of each part's log
    restart [PART]       stop and start one part (or all); others keep serving; --import re-imports
    reload PART          graceful: granian replaces its workers one by one, nginx re-reads its config
    serve SERVICE        one service in the foreground with the same settings as `run`
    chaos                inject faults into a stack of its own and print a table (lotr_devstack.chaos)

Ports: BOOK_PORT MOVIE_PORT CHARACTER_PORT ACCOUNTS_PORT GATEWAY_PORT (8001-8004, 8080).
Databases: <SERVICE>_DATABASE_URL, else each service's SQLite file. State: LOTR_STACK_DIR (var/).
"""

import argparse
import os
import sys

from .local import EVENT_PARTS, PARTS, SERVICES, LocalStack, StackError
from .processes import StartError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lotr_devstack", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run")
    commands.add_parser("stop")
    commands.add_parser("status")
    logs = commands.add_parser("logs")
    logs.add_argument("part", nargs="?", choices=(*PARTS, *EVENT_PARTS))
    logs.add_argument("-n", "--lines", type=int, default=40)
    restart = commands.add_parser("restart")
    restart.add_argument("part", nargs="?", choices=PARTS)
    restart.add_argument("--import", dest="load", action="store_true", help="import the data again")
    reload = commands.add_parser("reload")
    reload.add_argument("part", choices=PARTS)
    serve = commands.add_parser("serve")
    serve.add_argument("service", choices=SERVICES)
    serve.add_argument("--port", type=int)
    serve.add_argument("--import", dest="load", action="store_true", help="import the data first")
    chaos = commands.add_parser("chaos")
    chaos.add_argument("--only", default="", help="the faults whose name contains this")
    args = parser.parse_args(argv)

    stack = LocalStack(out=lambda line: print(line, flush=True))
    try:
        if args.command == "run":
            stack.run()
        elif args.command == "stop":
            stopped = stack.stop()
            print(f"Stopped {', '.join(stopped)}." if stopped else "Nothing was running.")
        elif args.command == "status":
            print("\n".join(stack.status()))
        elif args.command == "logs":
            print("\n".join(stack.tail(args.part, args.lines)))
        elif args.command == "restart":
            stack.restart(args.part, load=args.load)
        elif args.command == "reload":
            stack.reload(args.part)
        elif args.command == "serve":
            stack.serve(args.service, args.port, load=args.load)
        elif args.command == "chaos":
            from .chaos import main as chaos_main

            return chaos_main(only=args.only)
    except (StackError, StartError) as error:
        print(f"error: {error}", file=sys.stderr, flush=True)
        return 1
    except BrokenPipeError:  # `make logs | head`: the reader has had enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except KeyboardInterrupt:
        print("interrupted: stopped what this command had started.", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
