#!/bin/sh
# Entrypoint of the nginx stand-in: what the gateway relies on from the official image's.
# 1. source every /docker-entrypoint.d/*.envsh (our defaults.envsh);
# 2. render /etc/nginx/templates/*.template into NGINX_ENVSUBST_OUTPUT_DIR with envsubst,
#    substituting only the defined variables whose names match NGINX_ENVSUBST_FILTER;
# 3. run the command.
set -eu
for script in /docker-entrypoint.d/*.envsh; do
    [ -r "$script" ] && . "$script"
done
out="${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}"
filter="${NGINX_ENVSUBST_FILTER:-.}"
names=$(awk -v filter="$filter" 'BEGIN { for (name in ENVIRON) if (name ~ filter) printf "${%s} ", name }')
for template in /etc/nginx/templates/*.template; do
    [ -f "$template" ] || continue
    target="$out/$(basename "$template" .template)"
    envsubst "$names" < "$template" > "$target"
done
exec "$@"
