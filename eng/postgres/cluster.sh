#!/usr/bin/env bash
# A throwaway PostgreSQL 15 + pgvector cluster for tests and benchmarks, on 127.0.0.1 under a temporary folder, run by a
# non-root user (as root: 'nobody'). Authentication is scram-sha-256 with a random password.
#
#   cluster.sh start [--port N] [--owner-pid PID] [--durable] [--set name=value]...
#       Installs what is missing (pgvector.sh), creates and starts a cluster, and prints one line on stdout:
#       dir=<folder> port=<port> connection=<Npgsql connection string>
#       --owner-pid: stop and delete the cluster once that process has ended (a test run killed midway leaves nothing).
#       --durable: keep fsync on (benchmarks); by default fsync is off, which only a throwaway cluster can afford.
#       --set: a server setting (e.g. shared_buffers=1GB), repeatable.
#   cluster.sh stop <folder>
#       Stops the cluster (fast shutdown) and deletes its folder.
source "$(dirname "${BASH_SOURCE[0]}")/../native/common.sh"

self="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"

run_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

cmd="${1:-}"; shift || true
case "$cmd" in
  start)
    port=""; owner=""; durable=0; settings=
    while [ $# -gt 0 ]; do
      case "$1" in
        --port) port="$2"; shift 2 ;;
        --owner-pid) owner="$2"; shift 2 ;;
        --durable) durable=1; shift ;;
        --set) [[ "$2" =~ ^[a-z_.]+=[A-Za-z0-9_.]+$ ]] || vis_die "--set takes name=value, not '$2'"; settings="$settings -c $2"; shift 2 ;;
        *) vis_die "unknown option '$1' (cluster.sh start [--port N] [--owner-pid PID] [--durable])" ;;
      esac
    done
    bin="$(bash "$(dirname "${BASH_SOURCE[0]}")/pgvector.sh")" || vis_die "pgvector setup failed (see above)"
    dir="$(mktemp -d "${TMPDIR:-/tmp}/vis-postgres.XXXXXX")"
    chmod 755 "$dir"
    [ "$(id -u)" -eq 0 ] && chown nobody "$dir"
    password="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
    printf '%s\n' "$password" > "$dir/pwfile"
    [ "$(id -u)" -eq 0 ] && chown nobody "$dir/pwfile"
    chmod 600 "$dir/pwfile"
    run_as_owner "$bin/initdb" -D "$dir/data" -U vis --auth=scram-sha-256 --pwfile="$dir/pwfile" -E UTF8 --no-locale \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; rm -rf "$dir"; vis_die "initdb failed"; }
    rm -f "$dir/pwfile"
    fsync=off; [ "$durable" = 1 ] && fsync=on
    started=0
    for attempt in 1 2 3 4 5; do
      if [ -z "$port" ] || [ "$attempt" -gt 1 ]; then
        port=$((20000 + RANDOM % 40000))
        port_free "$port" || continue
      fi
      if run_as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
          -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c fsync=$fsync -c max_connections=200$settings" \
          start >/dev/null 2>&1; then
        started=1; break
      fi
      grep -q -i 'could not bind\|address already in use' "$dir/server.log" 2>/dev/null || break
    done
    if [ "$started" != 1 ]; then
      tail -n 20 "$dir/server.log" >&2 2>/dev/null || true
      rm -rf "$dir"
      vis_die "PostgreSQL did not start (log above)"
    fi
    if [ -n "$owner" ]; then
      # Detached watcher: once the owner is gone, stop the server and delete the folder.
      setsid bash -c "while kill -0 $owner 2>/dev/null && [ -d '$dir/data' ]; do sleep 2; done; \
        [ -d '$dir/data' ] && bash '$self' stop '$dir'" </dev/null >/dev/null 2>&1 &
    fi
    echo "dir=$dir port=$port connection=Host=127.0.0.1;Port=$port;Username=vis;Password=$password;Database=postgres"
    ;;
  stop)
    dir="${1:-}"
    [ -n "$dir" ] && [ -d "$dir/data" ] || vis_die "no cluster folder '$dir'"
    bin="/usr/lib/postgresql/$(vis_version VisPostgresMajorVersion)/bin"
    run_as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) vis_die "usage: cluster.sh start [--port N] [--owner-pid PID] [--durable] | cluster.sh stop <folder>" ;;
esac
