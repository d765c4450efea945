"""The filter nginx's error log goes through outside a container: nginx writes its error log
to stderr (nginx.conf), whoever starts it pipes that into this, which writes each line with
its credentials redacted (lotr_kit.redact) to OUT, created 0600, or to stdout for "-".

nginx quotes the client's request line in its error lines (`request: "GET /...?access_token=..."`)
and has no setting to leave it out; this is why the log is filtered rather than configured.

    nginx -p PREFIX -e stderr -g 'daemon off;' 2>&1 >/dev/null | python gateway/redact_errors.py logs/error.log

It ignores SIGINT, SIGTERM, SIGQUIT and SIGHUP, so a signal sent to the whole process group
stops nginx and this ends at nginx's last line (end of input), losing none.
"""

import signal
import sys

from lotr_kit.redact import open_private, redact_text


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: redact_errors.py OUT   (a file, created 0600, or - for stdout)")
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    out = sys.stdout.buffer if sys.argv[1] == "-" else open_private(sys.argv[1])
    for line in sys.stdin.buffer:
        out.write(redact_text(line.decode("utf-8", "replace")).encode())
        out.flush()


if __name__ == "__main__":
    main()
