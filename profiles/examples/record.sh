#!/usr/bin/env bash
# Records the example workloads again: `profiles/examples/record.sh [EXAMPLE...]` from the repository root
# (default: all). Needs strace, curl, node and Debian's python3; nginx needs nginx-light, redis needs redis-server
# (apt-get install strace curl nginx-light redis-server). Set PROFILESMITH to the command to run
# (default: npx profilesmith). Afterwards `profilesmith check profiles` must pass.
set -euo pipefail
cd "$(dirname "$0")"
read -r -a profilesmith <<<"${PROFILESMITH:-npx profilesmith}"

# NAME COMMAND...: records COMMAND into NAME/. It execs, so that `record … &` makes $! profilesmith's
# pid (which passes signals on to COMMAND); in the foreground, call it in a subshell.
record() {
  local name=$1
  shift
  exec "${profilesmith[@]}" record -o "$name" --name "$name" -- "$@"
}

# Retries a request until the server answers.
request() {
  for _ in $(seq 100); do "$@" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}

shell-pipeline() {
  (record shell-pipeline sh -c 'grep -i pretty_name /etc/os-release | cut -d= -f2 | tr a-z A-Z')
}

node-http() { # the server exits after answering one request
  record node-http node node-http/server.js &
  local recorder=$!
  request curl -sS http://127.0.0.1:8080/hello
  wait "$recorder"
}

python-app() {
  (record python-app /usr/bin/python3 python-app/app.py python-app/input.txt)
}

nginx() { # profilesmith forwards the SIGTERM to nginx, which stops; then the profile is written
  record nginx /usr/sbin/nginx -e stderr -c "$PWD/nginx/nginx.conf" &
  local recorder=$!
  request curl -sS -o /dev/null http://127.0.0.1:8081/
  kill -TERM "$recorder"
  wait "$recorder"
}

redis() { # the server exits on the client's SHUTDOWN
  record redis redis-server --port 6380 --bind 127.0.0.1 --save '' --appendonly no --daemonize no &
  local recorder=$!
  request redis-cli -p 6380 ping
  redis-cli -p 6380 set greeting hello
  redis-cli -p 6380 get greeting
  redis-cli -p 6380 shutdown nosave || true
  wait "$recorder"
}

for example in "${@:-shell-pipeline node-http python-app nginx redis}"; do
  for one in $example; do "$one"; done
done
