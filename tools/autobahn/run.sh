#!/usr/bin/env bash
# Run Autobahn|Testsuite's fuzzingclient (cases 1-10) against an echo server, then summarize.
#
#   tools/autobahn/run.sh [--port N] [--agent NAME] [--outdir DIR] [--venv DIR] [-- SERVER CMD...]
#
# The server command runs from the repo root; the word PORT in it is replaced by the port.
# Default: .venv/bin/python tools/autobahn/echo.py --port PORT
# Environment: AUTOBAHN_VENV (default /opt/autobahn-py27, made by setup.sh), PORT (9001),
# AUTOBAHN_TIMEOUT (seconds for the whole wstest run, default 3600), PYTHON3 (summarize.py).
# Exit status: summarize.py's (0 no failed case, 1 some failed), or 2+ if the run broke.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${AUTOBAHN_VENV:-/opt/autobahn-py27}"
port="${PORT:-9001}"
agent="snakepit"
outdir=""
python3="${PYTHON3:-python3}"
timeout_s="${AUTOBAHN_TIMEOUT:-3600}"
cmd=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --agent) agent="$2"; shift 2 ;;
    --outdir) outdir="$2"; shift 2 ;;
    --venv) venv="$2"; shift 2 ;;
    --) shift; cmd=("$@"); break ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1 (server command goes after --)" >&2; exit 2 ;;
  esac
done
[[ ${#cmd[@]} -gt 0 ]] || cmd=(.venv/bin/python tools/autobahn/echo.py --port PORT)
for i in "${!cmd[@]}"; do cmd[$i]="${cmd[$i]//PORT/$port}"; done
outdir="${outdir:-$here/reports/$agent}"
mkdir -p "$outdir"
outdir="$(cd "$outdir" && pwd)"
wstest="$venv/bin/wstest"
[[ -x "$wstest" ]] || { echo "run.sh: no $wstest: run tools/autobahn/setup.sh first" >&2; exit 2; }

port_open() { "$python3" -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.5).close()' "$1" 2>/dev/null; }
if port_open "$port"; then
  echo "run.sh: something already listens on 127.0.0.1:$port" >&2; exit 2
fi

# The report folder holds only this run's report.
rm -rf "$outdir"/*.json "$outdir"/*.html "$outdir"/*.log

server_pid=""
stop_server() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap stop_server EXIT
trap 'exit 130' INT TERM

echo "run.sh: server: ${cmd[*]} (log: $outdir/server.log)"
(cd "$root" && exec "${cmd[@]}") > "$outdir/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 300); do
  port_open "$port" && break
  kill -0 "$server_pid" 2>/dev/null || { echo "run.sh: the server exited:" >&2; cat "$outdir/server.log" >&2; exit 3; }
  sleep 0.1
done
port_open "$port" || { echo "run.sh: nothing listens on 127.0.0.1:$port after 30 s" >&2; exit 3; }

# The spec to run: fuzzingclient.json with this run's URL, agent name and report folder.
"$python3" - "$here/fuzzingclient.json" "$outdir/spec.json" "ws://127.0.0.1:$port" "$agent" "$outdir" <<'EOF'
import json, sys
src, dst, url, agent, outdir = sys.argv[1:]
spec = json.load(open(src))
spec["servers"] = [dict(spec["servers"][0], url=url, agent=agent)]
spec["outdir"] = outdir
json.dump(spec, open(dst, "w"), indent=3)
EOF

echo "run.sh: wstest -m fuzzingclient -s $outdir/spec.json (log: $outdir/wstest.log)"
start=$(date +%s)
status=0
(cd "$outdir" && PYTHONWARNINGS=ignore timeout "$timeout_s" "$wstest" -m fuzzingclient -s "$outdir/spec.json") \
  > "$outdir/wstest.log" 2>&1 || status=$?
echo "run.sh: wstest exited $status after $(( $(date +%s) - start )) s"
if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "run.sh: warning: the server died during the run (see $outdir/server.log)" >&2
fi
stop_server
if [[ ! -f "$outdir/index.json" ]]; then
  echo "run.sh: no report ($outdir/index.json); wstest log tail:" >&2
  tail -20 "$outdir/wstest.log" >&2
  exit 4
fi
echo "run.sh: report: $outdir/index.html"
echo
"$python3" "$here/summarize.py" "$outdir" --agent "$agent"
