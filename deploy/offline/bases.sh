#!/usr/bin/env bash
# Offline base images for `make images` / `make compose-check` on a machine that reaches
# Debian's and PyPI's mirrors but no image registry (deploy/offline/README in
# docs/deploying.md). Idempotent: installs podman and its pieces if missing, then makes
# each stand-in only when podman does not have it yet (they stay in podman's storage).
#   deploy/offline/bases.sh          make what is missing
#   LOTR_BASES_REBUILD=1 ...         make them all again
# Prints the --build-arg lines for the Dockerfiles on its last line.
set -o errexit -o nounset -o pipefail
here="$(cd "$(dirname "$0")" && pwd)"
prefix=localhost/lotr-offline
debian="$prefix/debian:bookworm"
python="$prefix/python:3.11-bookworm"
nginx="$prefix/nginx:bookworm"
postgres="$prefix/postgres:15-bookworm"
rabbitmq="$prefix/rabbitmq:3.10-bookworm"
rebuild="${LOTR_BASES_REBUILD:-0}"

say() { echo "bases: $*" >&2; }

# netavark needs iptables to set up a network ("netavark: No such file or directory" without).
missing=()
for pair in podman:podman runc:runc netavark:/usr/lib/podman/netavark aardvark-dns:/usr/lib/podman/aardvark-dns \
    iptables:iptables debootstrap:debootstrap docker-compose:docker-compose; do
    command -v "${pair#*:}" >/dev/null || missing+=("${pair%%:*}")
done
if [ "${#missing[@]}" -gt 0 ]; then
    [ "$(id -u)" = 0 ] || { echo "bases: missing ${missing[*]}; installing needs root" >&2; exit 1; }
    say "installing ${missing[*]} (Debian)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
        fuse-overlayfs slirp4netns uidmap >/dev/null
fi
conf=/etc/containers/containers.conf
if [ "$(id -u)" = 0 ] && ! grep -qs 'lotr-offline' "$conf"; then
    # runc (crun: "cgroups in hybrid mode not supported"), cgroupfs (no systemd), ulimits
    # within this machine's hard limits, netavark + aardvark-dns (names between containers).
    say "writing $conf"
    mkdir -p /etc/containers
    cat > "$conf" <<'CONF'
# lotr-offline: written by deploy/offline/bases.sh (see docs/deploying.md)
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=1024:1024"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
[network]
network_backend = "netavark"
CONF
    podman system reset -f >/dev/null 2>&1 || true
fi

have() { [ "$rebuild" != 1 ] && podman image exists "$1"; }

if ! have "$debian"; then
    command -v debootstrap >/dev/null || { echo "bases: debootstrap is missing (apt-get install debootstrap)" >&2; exit 1; }
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    say "debootstrap bookworm (about 90 s)"
    debootstrap --variant=minbase bookworm "$work/rootfs" http://deb.debian.org/debian >"$work/log" 2>&1 \
        || { tail -5 "$work/log" >&2; echo "bases: debootstrap failed" >&2; exit 1; }
    tar -C "$work/rootfs" -c . | podman import --quiet - "$debian" >/dev/null
    rm -rf "$work/rootfs"
fi

build() {  # build TAG CONTAINERFILE
    local tag="$1" file="$2" ctx
    have "$tag" && return 0
    say "building $tag"
    ctx="$(mktemp -d)"
    cp "$here"/*.sh "$ctx"/
    cp /etc/ssl/certs/ca-certificates.crt "$ctx/host-ca.crt"
    podman build --quiet --network host --build-arg "DEBIAN_IMAGE=$debian" -t "$tag" -f "$here/$file" "$ctx" >/dev/null \
        || { rm -rf "$ctx"; echo "bases: building $tag failed" >&2; exit 1; }
    rm -rf "$ctx"
}
build "$python" python.Containerfile
build "$nginx" nginx.Containerfile
build "$postgres" postgres.Containerfile
build "$rabbitmq" rabbitmq.Containerfile
echo "PYTHON_IMAGE=$python NGINX_IMAGE=$nginx POSTGRES_IMAGE=$postgres RABBITMQ_IMAGE=$rabbitmq"
