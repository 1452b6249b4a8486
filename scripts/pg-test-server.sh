#!/usr/bin/env bash
# Start (or reuse) a throwaway PostgreSQL server for the test suite, listening only on a
# Unix socket and 127.0.0.1:54329. Prints the SQLAlchemy URL to use. `stop` removes it.
set -euo pipefail
DIR=${CAMSCAN_PG_DIR:-/tmp/camscan-pg}
PORT=${CAMSCAN_PG_PORT:-54329}
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$BIN" ] || { echo "PostgreSQL is not installed: run 'make deps'" >&2; exit 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "${1:-start}" = stop ]; then
  [ -d "$DIR/data" ] && as_pg "$BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
  exit 0
fi
if ! as_pg "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
  rm -rf "$DIR"; mkdir -p "$DIR"
  [ "$(id -u)" = 0 ] && chown postgres "$DIR"
  as_pg "$BIN/initdb" -D "$DIR/data" -A trust -U camscan >/dev/null
  as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
    -o "-k $DIR -p $PORT -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  as_pg "$BIN/createdb" -h "$DIR" -p "$PORT" -U camscan camscan_test
fi
echo "postgresql+psycopg://camscan@127.0.0.1:$PORT/camscan_test"
