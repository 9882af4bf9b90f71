#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster under /tmp, run the given command against it, then stop it.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PORT=${SIIFRA_PG_PORT:-54329}
DATA=$(mktemp -d /tmp/siifra-pg.XXXXXX)
RUNAS=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres:postgres "$DATA"
  # From /, as the caller's folder (say, /root/siifra) may be closed to postgres.
  RUNAS=(runuser -u postgres -- env -C /)
fi
"${RUNAS[@]}" "$PGBIN/initdb" -D "$DATA" -A trust -U postgres --no-sync >/dev/null
"${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
  -o "-p $PORT -k $DATA -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=100" start >/dev/null
cleanup() { "${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT
psql -h 127.0.0.1 -p "$PORT" -U postgres -q -c "CREATE ROLE siifra LOGIN PASSWORD 'siifra'"
psql -h 127.0.0.1 -p "$PORT" -U postgres -q -c "CREATE DATABASE siifra_test OWNER siifra"
export SIIFRA_TEST_DATABASE_URL="postgresql+psycopg://siifra:siifra@127.0.0.1:$PORT/siifra_test"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on port $PORT"
"$@"
