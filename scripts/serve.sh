#!/usr/bin/env bash
# Run 连心网格 as N Streamlit processes behind nginx (deploy/nginx.conf.template), on one PostgreSQL.
#
#   LIANXIN_DB=postgresql://lianxin@db.county.local:5432/lianxin bash scripts/serve.sh --processes 4
#       → http://this-machine:8501 (nginx), app processes on 127.0.0.1:8511…8514
#
# Options:
#   --processes N        app processes on this machine (default 1; more than 1 needs PostgreSQL)
#   --port P             where nginx listens (default 8501); with one process and no --backends,
#                        the app itself listens there and nginx is not started
#   --first-port P       the first app process's port (default: --port + 10)
#   --bind ADDR          the app processes' address (default 127.0.0.1; 0.0.0.0 when another
#                        machine's nginx sends them requests)
#   --backends H:P,…     app processes on other machines, served by this nginx too
#   --no-proxy           start only the app processes (a machine behind another machine's nginx)
#
# Every process gets the same cookie secret ($LIANXIN_COOKIE_SECRET, else a random one per start;
# set it to the same value on every machine), so a browser moved to another process keeps working.
# An app process that ends is started again (supervise below); nginx ending stops everything.
# Stop with Ctrl-C (or SIGTERM): every process started here is stopped.
set -euo pipefail
cd "$(dirname "$0")/.."

N=1; PORT=8501; FIRST=""; BIND=127.0.0.1; BACKENDS=""; PROXY=1
usage() { echo "usage: scripts/serve.sh [--processes N] [--port P] [--first-port P] [--bind ADDR] [--backends H:P,…] [--no-proxy]" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --processes) N="${2:-}"; shift 2 ;;
    --port) PORT="${2:-}"; shift 2 ;;
    --first-port) FIRST="${2:-}"; shift 2 ;;
    --bind) BIND="${2:-}"; shift 2 ;;
    --backends) BACKENDS="${2:-}"; shift 2 ;;
    --no-proxy) PROXY=0; shift ;;
    -h|--help) usage ;;
    *) echo "serve.sh: unknown option $1" >&2; usage ;;
  esac
done
[[ "$N" =~ ^[0-9]+$ ]] && [ "$N" -ge 1 ] || { echo "serve.sh: --processes must be a whole number ≥ 1" >&2; exit 2; }
[[ "$PORT" =~ ^[0-9]+$ ]] || { echo "serve.sh: --port must be a number" >&2; exit 2; }
FIRST="${FIRST:-$((PORT + 10))}"

PY=python3
if [ -x .venv/bin/python ]; then PY=.venv/bin/python; fi
DB="${LIANXIN_DB:-data/demo.duckdb}"
case "$DB" in
  postgresql://*|postgres://*) ;;
  *)
    if [ "$N" -gt 1 ] || [ -n "$BACKENDS" ]; then
      echo "serve.sh: 多个应用进程需要 PostgreSQL（一个 DuckDB 文件只能由一个进程打开）：请设置 LIANXIN_DB=postgresql://用户@主机:端口/库名 / several app processes need PostgreSQL (one DuckDB file can be opened by one process only): set LIANXIN_DB=postgresql://USER@HOST:PORT/NAME" >&2
      exit 2
    fi ;;
esac

# create and migrate the database once, before the processes start (one sentence if it cannot)
if [ "$DB" != "data/demo.duckdb" ] || [ -e data/demo.duckdb ]; then
  LIANXIN_DB="$DB" "$PY" manage.py init >/dev/null
fi

SECRET="${LIANXIN_COOKIE_SECRET:-$("$PY" -c 'import secrets; print(secrets.token_hex(32))')}"
RUN="$(mktemp -d /tmp/lianxin-serve-XXXXXX)"
chmod 755 "$RUN"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

# One app process on port $1, started again whenever it ends (a crash, the kernel's out-of-memory
# killer) until serve.sh stops; meanwhile nginx sends its browsers to the others (max_fails). A
# process that ends within 30 s of its start three times in a row is a fault to fix, not to retry:
# serve.sh then stops with that sentence and the process's last output. Its pid is in $RUN/app-PORT.pid,
# its output in app-PORT.log (the run folder is removed when serve.sh ends).
supervise() {   # port
  local port="$1" child="" quick=0 started rc
  trap 'if [ -n "$child" ]; then kill "$child" 2>/dev/null; wait "$child" 2>/dev/null; fi; exit 0' TERM
  while true; do
    started=$SECONDS
    LIANXIN_DB="$DB" STREAMLIT_SERVER_COOKIE_SECRET="$SECRET" "$PY" -m streamlit run app.py \
      --server.port "$port" --server.address "$BIND" --server.headless true >>"$RUN/app-$port.log" 2>&1 &
    child=$!
    echo "$child" >"$RUN/app-$port.pid"
    rc=0
    wait "$child" || rc=$?
    if [ $((SECONDS - started)) -lt 30 ]; then quick=$((quick + 1)); else quick=0; fi
    if [ "$quick" -ge 3 ]; then
      : >"$RUN/app-$port.failed"   # the health check below stops waiting for it
      echo "serve.sh: 端口 $port 的应用进程连续三次启动后 30 秒内退出（退出码 $rc），它最后的输出如下 / the app process on port $port ended within 30 s of starting three times in a row (exit $rc); its last output:" >&2
      tail -n 12 "$RUN/app-$port.log" | sed 's/^/  | /' >&2   # $RUN is removed when serve.sh ends
      exit 1
    fi
    echo "serve.sh: $(date '+%F %T') 端口 $port 的应用进程已退出（退出码 $rc），正在重新启动 / the app process on port $port ended (exit $rc); starting it again" >&2
    sleep 1
  done
}
start_app() { supervise "$1" & pids+=($!); }

if [ "$N" -eq 1 ] && [ -z "$BACKENDS" ] && [ "$PROXY" -eq 1 ]; then
  ports=("$PORT")
else
  ports=()
  for ((i = 0; i < N; i++)); do ports+=($((FIRST + i))); done
fi
for p in "${ports[@]}"; do start_app "$p"; done

# every process answers its health check before nginx sends it anything
"$PY" - "$RUN" "$BIND" "${ports[@]}" <<'EOF'
import os, sys, time, urllib.request
run, bind, ports = sys.argv[1], sys.argv[2], sys.argv[3:]
host = "127.0.0.1" if bind in ("0.0.0.0", "::") else bind
deadline = time.time() + 180
for port in ports:
    while True:
        try:
            with urllib.request.urlopen(f"http://{host}:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if os.path.exists(f"{run}/app-{port}.failed"):  # its supervisor gave up and said why
            sys.exit(1)
        if time.time() > deadline:
            tail = open(f"{run}/app-{port}.log", encoding="utf-8", errors="replace").read().strip()[-500:]
            sys.exit(f"serve.sh: the app process on port {port} did not start: {tail}")
        time.sleep(0.5)
EOF

if [ "$PROXY" -eq 1 ] && { [ "${#ports[@]}" -gt 1 ] || [ -n "$BACKENDS" ] || [ "${ports[0]}" != "$PORT" ]; }; then
  NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
  [ -x "$NGINX" ] || { echo "serve.sh: nginx not found (apt-get install nginx)" >&2; exit 1; }
  ups=""
  host="$BIND"; [ "$host" = "0.0.0.0" ] && host=127.0.0.1
  for p in "${ports[@]}"; do ups+="        server $host:$p max_fails=3 fail_timeout=10s;"$'\n'; done
  IFS=',' read -r -a extra <<<"$BACKENDS"
  for b in "${extra[@]}"; do [ -n "$b" ] && ups+="        server $b max_fails=3 fail_timeout=10s;"$'\n'; done
  "$PY" - "$RUN" "$PORT" "$ups" <<'EOF'
import sys
from importlib.util import find_spec
from pathlib import Path

run, port, ups = sys.argv[1:4]
static = Path(find_spec("streamlit").origin).parent / "static"  # Streamlit's front end, served by nginx
text = Path("deploy/nginx.conf.template").read_text(encoding="utf-8")
text = text.replace("@RUN@", run).replace("@LISTEN@", port).replace("@UPSTREAMS@", ups.rstrip("\n"))
text = text.replace("@STATIC@", str(static)).replace("@APPSTATIC@", str(Path("static").resolve()))
Path(run, "nginx.conf").write_text(text, encoding="utf-8")
EOF
  "$NGINX" -t -q -p "$RUN" -c "$RUN/nginx.conf"
  "$NGINX" -p "$RUN" -c "$RUN/nginx.conf" &
  pids+=($!)
  echo "连心网格: http://$(hostname -f 2>/dev/null || hostname):$PORT — nginx in front of ${#ports[@]} local process(es) on ports ${ports[*]}${BACKENDS:+ and $BACKENDS}"
else
  echo "连心网格: app process(es) on $BIND port(s) ${ports[*]}"
fi
echo "(logs in $RUN; Ctrl-C stops everything)"
wait -n
