#!/usr/bin/env bash
# Starts Debian's PostgreSQL cluster on loopback (its default) and makes a test role and database.
# Writes the SQLAlchemy URL of the test database to the file named by $1.
set -euo pipefail
out=${1:-var/test-postgres-url}
mkdir -p "$(dirname "$out")"
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
  pg_createcluster "$version" main >/dev/null
fi
# Debian's default listen_addresses is 'localhost': loopback only.
pg_ctlcluster "$version" main start 2>/dev/null || true
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 && break
  sleep 0.5
done
pg_isready -h 127.0.0.1 >/dev/null
psql_admin() { su postgres -c "psql -v ON_ERROR_STOP=1 -qtA -c \"$1\""; }
if [ "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname='counterflow'")" != 1 ]; then
  psql_admin "CREATE ROLE counterflow LOGIN CREATEDB PASSWORD 'counterflow'"
fi
# Lets the tests drop their throw-away databases even while a background worker is attached.
psql_admin "GRANT pg_signal_backend TO counterflow"
echo "postgresql+psycopg://counterflow:counterflow@127.0.0.1:5432/postgres" > "$out"
