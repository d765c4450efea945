#!/bin/sh
# Entrypoint of the RabbitMQ stand-in: the first user and virtual host from the official
# image's variables, written as rabbitmq.conf's defaults (used when the node is first made);
# then the server as the rabbitmq user, straight (Debian's wrapper in /usr/sbin runs it under
# su, which does not pass a container's stop signal on).
set -eu
: "${RABBITMQ_DEFAULT_USER:=guest}"
: "${RABBITMQ_DEFAULT_PASS:=guest}"
: "${RABBITMQ_DEFAULT_VHOST:=/}"
mkdir -p /etc/rabbitmq
{
    echo "listeners.tcp.default = 5672"
    echo "loopback_users = none"
    echo "default_user = $RABBITMQ_DEFAULT_USER"
    echo "default_pass = $RABBITMQ_DEFAULT_PASS"
    echo "default_vhost = $RABBITMQ_DEFAULT_VHOST"
    echo "default_permissions.configure = .*"
    echo "default_permissions.read = .*"
    echo "default_permissions.write = .*"
} > /etc/rabbitmq/rabbitmq.conf
chmod 0640 /etc/rabbitmq/rabbitmq.conf
chown root:rabbitmq /etc/rabbitmq/rabbitmq.conf
mkdir -p /var/lib/rabbitmq /var/log/rabbitmq
chown -R rabbitmq:rabbitmq /var/lib/rabbitmq /var/log/rabbitmq
# Logs to standard output, as a container's should.
export RABBITMQ_LOGS=-
if [ "$1" = rabbitmq-server ]; then
    shift
    exec setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups env HOME=/var/lib/rabbitmq \
        /usr/lib/rabbitmq/bin/rabbitmq-server "$@"
fi
exec "$@"
