#!/usr/bin/env bash
# Throwaway PostgreSQL and Redis on loopback for the tests and benchmarks.
#   scripts/services.sh start DIR   -> prints export lines for their URLs
#   scripts/services.sh stop DIR
set -euo pipefail
action=$1
dir=$(realpath -m "$2")
pg_bin=/usr/lib/postgresql/15/bin
pg_port=${BOTSIEVE_TEST_PG_PORT:-55432}
redis_port=${BOTSIEVE_TEST_REDIS_PORT:-56379}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  # Something already answering there (another run's services) would be tested instead.
  for port in "$pg_port" "$redis_port"; do
    if in_use "$port"; then
      echo "port $port on 127.0.0.1 is already in use; stop what holds it or set" \
        "BOTSIEVE_TEST_PG_PORT / BOTSIEVE_TEST_REDIS_PORT" >&2
      exit 1
    fi
  done
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
  as_postgres "$pg_bin/initdb" -D "$dir/pg" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log"
  as_postgres "$pg_bin/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" -w start \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $dir -c fsync=off -c max_connections=300" \
    >/dev/null
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir"
  for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  echo "export BOTSIEVE_TEST_PG_URL=postgresql+asyncpg://postgres@127.0.0.1:$pg_port/postgres"
  echo "export BOTSIEVE_TEST_REDIS_URL=redis://127.0.0.1:$redis_port/0"
}

stop() {
  if [ -d "$dir/pg" ]; then as_postgres "$pg_bin/pg_ctl" -D "$dir/pg" -m immediate stop >/dev/null 2>&1 || true; fi
  if [ -f "$dir/redis.pid" ]; then kill "$(cat "$dir/redis.pid")" 2>/dev/null || true; fi
  rm -rf "$dir"
}

"$action"
