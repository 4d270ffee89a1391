#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster for FixFirst's storage tests (CI and Debian developers).
#
# Why a private cluster: tests create and drop schemas freely, so they must never touch a real
# server. The cluster lives in a temp dir, listens only on 127.0.0.1 on a spare port, and can be
# thrown away at any time.
#
# Usage:
#   eval "$(scripts/start_postgres.sh)"        # start (or reuse) and export FIXFIRST_TEST_POSTGRES_URL
#   scripts/start_postgres.sh | sed 's/^export //' >> "$GITHUB_ENV"   # GitHub Actions
#   scripts/start_postgres.sh stop             # stop the cluster (its data dir is kept for reuse)
#   scripts/start_postgres.sh destroy          # stop it and delete its data dir
#
# Settings (environment): FIXFIRST_PG_PORT (default 54329), FIXFIRST_PG_DIR (default
# ${TMPDIR:-/tmp}/fixfirst-pg-<port>). Only the export line goes to stdout; progress goes to stderr.
# Idempotent: running it again while the cluster runs only re-checks the database and re-prints the line.
set -euo pipefail

PORT="${FIXFIRST_PG_PORT:-54329}"
DATA_DIR="${FIXFIRST_PG_DIR:-${TMPDIR:-/tmp}/fixfirst-pg-${PORT}}"
DB_NAME="fixfirst_test"
DB_USER="postgres"
DB_PASSWORD="fixfirst"
HOST="127.0.0.1"
ACTION="${1:-start}"

log() { echo "start_postgres: $*" >&2; }
die() { log "error: $*"; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "need root (or sudo) to run: $*"
  fi
}

find_bindir() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return 0; fi
  if command -v initdb >/dev/null; then dirname "$(command -v initdb)"; return 0; fi
  return 1
}

BINDIR="$(find_bindir || true)"
if [ -z "$BINDIR" ]; then
  [ "$ACTION" = start ] || die "PostgreSQL is not installed; nothing to $ACTION"
  log "PostgreSQL not found; installing it with apt-get"
  as_root apt-get update >&2
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y --no-install-recommends postgresql >&2
  BINDIR="$(find_bindir)" || die "apt-get installed postgresql but initdb was not found"
fi

# initdb and postgres refuse to run as root, so root runs them as the `postgres` system user.
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || die "no 'postgres' system user; install the postgresql package"
  RUN_AS=(runuser -u postgres --)
else
  RUN_AS=()
fi
pg() { "${RUN_AS[@]}" "$BINDIR/$1" "${@:2}"; }

is_running() { [ -f "$DATA_DIR/PG_VERSION" ] && pg pg_ctl status -D "$DATA_DIR" >/dev/null 2>&1; }

case "$ACTION" in
  stop|destroy)
    if is_running; then pg pg_ctl stop -D "$DATA_DIR" -m fast -w >&2; log "stopped"; else log "not running"; fi
    if [ "$ACTION" = destroy ]; then rm -rf "$DATA_DIR"; log "removed $DATA_DIR"; fi
    exit 0 ;;
  start) ;;
  *) die "unknown action '$ACTION' (use start, stop or destroy)" ;;
esac

if ! is_running; then
  if "$BINDIR/pg_isready" -q -h "$HOST" -p "$PORT" 2>/dev/null; then
    die "another server already listens on $HOST:$PORT; set FIXFIRST_PG_PORT to a free port"
  fi
  if [ ! -f "$DATA_DIR/PG_VERSION" ]; then
    log "initialising a throwaway cluster in $DATA_DIR"
    rm -rf "$DATA_DIR"
    mkdir -p "$DATA_DIR"
    chmod 700 "$DATA_DIR"
    PWFILE="$(mktemp)"
    printf '%s\n' "$DB_PASSWORD" > "$PWFILE"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$DATA_DIR" "$PWFILE"; fi
    pg initdb -D "$DATA_DIR" -U "$DB_USER" --pwfile="$PWFILE" --auth-local=trust \
      --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >&2
    rm -f "$PWFILE"
  fi
  log "starting PostgreSQL on $HOST:$PORT"
  # The unix socket goes into the data dir so no system directory (/var/run/postgresql) is needed.
  pg pg_ctl start -D "$DATA_DIR" -w -t 60 -l "$DATA_DIR/server.log" \
    -o "-c listen_addresses=$HOST -p $PORT -k $DATA_DIR -c fsync=off -c full_page_writes=off" >&2 \
    || { tail -n 20 "$DATA_DIR/server.log" >&2 || true; die "server did not start"; }
else
  log "already running in $DATA_DIR"
fi

psql_local() { pg psql -h "$DATA_DIR" -p "$PORT" -U "$DB_USER" -d postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
if [ "$(psql_local -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != 1 ]; then
  psql_local -c "CREATE DATABASE $DB_NAME" >&2
  log "created database $DB_NAME"
fi

echo "export FIXFIRST_TEST_POSTGRES_URL=postgresql+psycopg://$DB_USER:$DB_PASSWORD@$HOST:$PORT/$DB_NAME"
