#!/bin/sh
# In the gateway image (run by the nginx image's entrypoint from /docker-entrypoint.d before
# nginx starts): nginx-image.conf writes the error log into a FIFO, and this filter passes
# each line on to the container's output with credentials redacted, the same rules as
# lotr_kit/redact.py (gateway/redact_errors.py outside a container). nginx quotes the
# client's request line in its error lines and has no setting to leave it out.
set -eu
fifo=/tmp/nginx-error.fifo
rm -f "$fifo"
mkfifo -m 600 "$fifo"
# Reads until nginx, the last writer, exits. fflush: one line at a time, nothing held back.
awk '{
    gsub(/lotr(_|%5[Ff])[A-Za-z0-9_%-]{20,}/, "[REDACTED]")
    gsub(/eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/, "[REDACTED]")
    gsub(/[Aa][Cc][Cc][Ee][Ss][Ss](_|%5[Ff])[Tt][Oo][Kk][Ee][Nn]=[^&[:space:]"'\'',;]*/, "access_token=[REDACTED]")
    gsub(/[Bb][Ee][Aa][Rr][Ee][Rr]( |%20|\+)[^[:space:]"'\'',;]*/, "Bearer [REDACTED]")
    print
    fflush()
}' < "$fifo" >&2 &
