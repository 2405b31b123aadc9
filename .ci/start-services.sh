#!/usr/bin/env bash
# Starts dockerd (if none answers) and two docker-registry instances on 127.0.0.1:
#   :5000 anonymous, :5001 htpasswd (user hullguard). Writes .ci/services.env for the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
STATE=${HULLGUARD_SERVICES_DIR:-/tmp/hullguard-ci}
mkdir -p "$STATE"

wait_for() {  # wait_for SECONDS CMD...
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

if ! docker info >/dev/null 2>&1; then
  nohup dockerd --host unix:///var/run/docker.sock >"$STATE/dockerd.log" 2>&1 &
  wait_for 60 docker info || { echo "dockerd did not start:"; tail -20 "$STATE/dockerd.log"; exit 1; }
fi
docker info --format 'dockerd {{.ServerVersion}} ({{.Driver}}, cgroup v{{.CgroupVersion}})'

if ! curl -s --unix-socket /run/podman/podman.sock http://d/_ping >/dev/null 2>&1; then
  mkdir -p /run/podman
  nohup podman system service --time=0 unix:///run/podman/podman.sock >"$STATE/podman.log" 2>&1 &
  wait_for 30 curl -s --unix-socket /run/podman/podman.sock http://d/_ping || { echo "podman service failed:"; cat "$STATE/podman.log"; exit 1; }
fi
echo "podman API on /run/podman/podman.sock"

start_registry() {  # start_registry NAME PORT [AUTH-YAML]
  local name=$1 port=$2 auth=${3:-}
  if curl -s -o /dev/null "http://127.0.0.1:$port/v2/"; then return 0; fi
  mkdir -p "$STATE/$name/data"
  cat >"$STATE/$name/config.yml" <<YML
version: 0.1
log: {level: warn}
storage:
  filesystem: {rootdirectory: $STATE/$name/data}
  delete: {enabled: true}
http:
  addr: 127.0.0.1:$port
$auth
YML
  nohup docker-registry serve "$STATE/$name/config.yml" >"$STATE/$name.log" 2>&1 &
  wait_for 30 curl -s -o /dev/null "http://127.0.0.1:$port/v2/" || { echo "registry $name failed:"; cat "$STATE/$name.log"; exit 1; }
}

start_registry plain 5000
PASSWORD=hullguard-test-password
htpasswd -Bbn hullguard "$PASSWORD" >"$STATE/htpasswd"
start_registry auth 5001 "auth:
  htpasswd: {realm: hullguard-test, path: $STATE/htpasswd}"

cat > .ci/services.env <<ENV
export HULLGUARD_TEST_REGISTRY=127.0.0.1:5000
export HULLGUARD_TEST_AUTH_REGISTRY=127.0.0.1:5001
export HULLGUARD_TEST_AUTH_USER=hullguard
export HULLGUARD_TEST_AUTH_PASSWORD=$PASSWORD
export HULLGUARD_REQUIRE_SERVICES=1
ENV
echo "registries: 127.0.0.1:5000 (anonymous), 127.0.0.1:5001 (htpasswd)"
