#!/usr/bin/env bash
# Builds the rehearsal box's control plane from the Go module proxy and caches the binaries by version:
#   $cache/kube/kubernetes-<v>/{kube-apiserver,kube-controller-manager,kube-scheduler}, and kubectl when
#                                   the machine has none (KUBE_WITH_KUBECTL=1 builds it anyway)
#   $cache/kube/etcd-<v>/etcd
#   $cache/kube/kwok-<v>/kwok  and  kwok-<v>/stages.yaml (the Stage objects KWOK ships; it refuses to
#                                   start without them)
# Versions: box/versions.env. A cached binary is reused (a warm run is a few stat calls); a build prints a
# progress line at least every 20 s. Needs Go; everything else comes from the Go module proxy.
#
#   scripts/build-kube.sh              build what is missing, print the cache folder
#   KUBE_PARTS="etcd kwok" scripts/... only those parts (kubernetes etcd kwok)
#
# Why a wrapper module for Kubernetes: k8s.io/kubernetes's go.mod replaces its 31 staging modules
# (k8s.io/api, k8s.io/client-go, ...) with local folders, so `go install k8s.io/kubernetes/cmd/...@v1.34.3`
# is refused. The wrapper requires k8s.io/kubernetes and replaces each of those modules with its
# published v0.<minor>.<patch> tag. Without -X version stamps the binaries report
# v0.0.0-master+$Format:%H$, which kubectl cannot parse.
# etcd: the Debian etcd-server (3.4) is too old for kube-apiserver 1.34 (watch progress requests off,
# node-lease conflicts); 3.6 is built the same way from go.etcd.io/etcd/server/v3.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck disable=SC1091
source "$here/box/versions.env"
cache=${AUTHENTIK_STACK_CACHE:-$HOME/.cache/authentik-stack}/kube
parts=${KUBE_PARTS:-kubernetes etcd kwok}
export CGO_ENABLED=0 GOFLAGS="${GOFLAGS:--buildvcs=false}"
mkdir -p "$cache"
log() { echo "[build-kube $(date +%H:%M:%S)] $*"; }

# run_with_progress LABEL LOGFILE CMD...: runs CMD, a progress line every 20 s, its output to LOGFILE
run_with_progress() {
  local label=$1 logf=$2; shift 2
  local start; start=$(date +%s)
  "$@" >"$logf" 2>&1 &
  local pid=$!
  trap 'kill "$pid" 2>/dev/null || true' EXIT INT TERM
  while kill -0 "$pid" 2>/dev/null; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 2; done
    kill -0 "$pid" 2>/dev/null && log "$label: still building ($(( $(date +%s) - start ))s)"
  done
  trap - EXIT INT TERM
  if ! wait "$pid"; then
    tail -25 "$logf" >&2
    log "$label: failed after $(( $(date +%s) - start ))s (full log: $logf)"
    exit 1
  fi
  log "$label: done in $(( $(date +%s) - start ))s"
}

build_kubernetes() {
  local v=$KUBERNETES_VERSION dest="$cache/kubernetes-$KUBERNETES_VERSION"
  local bins=(kube-apiserver kube-controller-manager kube-scheduler) missing=()
  # kubectl only where the machine has none (or when asked): the box then puts this one on PATH
  if ! command -v kubectl >/dev/null || [[ "${KUBE_WITH_KUBECTL:-}" == 1 ]]; then bins+=(kubectl); fi
  for b in "${bins[@]}"; do [[ -x "$dest/$b" ]] || missing+=("$b"); done
  if ((${#missing[@]} == 0)); then log "kubernetes $v: cached"; return; fi
  local src="$cache/src/kubernetes-$v"
  mkdir -p "$src" "$dest"
  if [[ ! -f "$src/go.sum" ]]; then
    log "kubernetes $v: wrapper module in $src"
    (cd "$src" && rm -f go.mod go.sum && go mod init authentik-stack/kube-wrapper >/dev/null 2>&1)
    local dir staging
    dir=$(cd "$src" && go mod download -json "k8s.io/kubernetes@$v" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
    # every module of the replace block in k8s.io/kubernetes's own go.mod (its staging modules)
    staging=$(python3 - "$dir/go.mod" <<'PY'
import re, sys
block = re.search(r"^replace \((.*?)^\)", open(sys.argv[1]).read(), re.S | re.M).group(1)
for line in block.splitlines():
    line = line.split("//")[0].strip()
    if "=>" in line:
        print(line.split("=>")[0].strip().split()[0])
PY
)
    local n=0
    for m in $staging; do (cd "$src" && go mod edit -replace "$m=$m@v0.${v#v1.}"); n=$((n + 1)); done
    log "kubernetes $v: $n staging modules replaced by their v0.${v#v1.} tags"
    (cd "$src" && go mod edit -require "k8s.io/kubernetes@$v")
    cat >"$src/tools.go" <<'G'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
G
    run_with_progress "kubernetes $v: go mod tidy" "$src/tidy.log" bash -c "cd '$src' && go mod tidy"
  fi
  local major=${v#v}; major=${major%%.*}
  local minor=${v#v*.}; minor=${minor%%.*}
  local x="" pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    x+=" -X $pkg.gitVersion=$v -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
    x+=" -X $pkg.gitCommit=0000000000000000000000000000000000000000 -X $pkg.gitTreeState=archive"
    x+=" -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  for b in "${missing[@]}"; do
    run_with_progress "kubernetes $v: $b" "$src/$b.log" \
      bash -c "cd '$src' && go build -trimpath -ldflags='-s -w$x' -o '$dest/$b.tmp' k8s.io/kubernetes/cmd/$b"
    mv "$dest/$b.tmp" "$dest/$b"
  done
}

build_etcd() {
  local v=$ETCD_VERSION dest="$cache/etcd-$ETCD_VERSION"
  if [[ -x "$dest/etcd" ]]; then log "etcd $v: cached"; return; fi
  local src="$cache/src/etcd-$v"
  mkdir -p "$src" "$dest"
  if [[ ! -f "$src/go.sum" ]]; then
    (cd "$src" && rm -f go.mod go.sum && go mod init authentik-stack/etcd-wrapper >/dev/null 2>&1)
    (cd "$src" && go mod edit -require "go.etcd.io/etcd/server/v3@$v")
    for m in go.etcd.io/etcd/api/v3 go.etcd.io/etcd/client/pkg/v3 go.etcd.io/etcd/client/v3 go.etcd.io/etcd/pkg/v3; do
      (cd "$src" && go mod edit -replace "$m=$m@$v")
    done
    printf '//go:build tools\n\npackage tools\n\nimport _ "go.etcd.io/etcd/server/v3"\n' >"$src/tools.go"
    run_with_progress "etcd $v: go mod tidy" "$src/tidy.log" bash -c "cd '$src' && go mod tidy"
  fi
  run_with_progress "etcd $v: etcd" "$src/etcd.log" \
    bash -c "cd '$src' && go build -trimpath -ldflags='-s -w' -o '$dest/etcd.tmp' go.etcd.io/etcd/server/v3"
  mv "$dest/etcd.tmp" "$dest/etcd"
}

build_kwok() {
  local v=$KWOK_VERSION dest="$cache/kwok-$KWOK_VERSION"
  if [[ -x "$dest/kwok" && -f "$dest/stages.yaml" ]]; then log "kwok $v: cached"; return; fi
  mkdir -p "$dest"
  local gobin; gobin=$(mktemp -d)
  run_with_progress "kwok $v: kwok" "$dest/build.log" env GOBIN="$gobin" go install -trimpath -ldflags='-s -w' "sigs.k8s.io/kwok/cmd/kwok@$v"
  mv "$gobin/kwok" "$dest/kwok.tmp" && rm -rf "$gobin"
  # the Stage objects the module ships (node and pod lifecycle), one multi-document file
  local mod; mod=$(go mod download -json "sigs.k8s.io/kwok@$v" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  : >"$dest/stages.yaml.tmp"
  local f
  for f in node/fast/node-initialize node/heartbeat-with-lease/node-heartbeat-with-lease pod/fast/pod-ready pod/fast/pod-complete pod/fast/pod-delete; do
    [[ -f "$mod/kustomize/stage/$f.yaml" ]] || { log "kwok $v: stage $f not found under $mod/kustomize/stage"; exit 1; }
    { echo "---"; cat "$mod/kustomize/stage/$f.yaml"; } >>"$dest/stages.yaml.tmp"
  done
  mv "$dest/stages.yaml.tmp" "$dest/stages.yaml"
  mv "$dest/kwok.tmp" "$dest/kwok"
}

start=$(date +%s)
for p in $parts; do
  case $p in
    kubernetes) build_kubernetes ;;
    etcd) build_etcd ;;
    kwok) build_kwok ;;
    *) echo "build-kube: unknown part '$p'; allowed: kubernetes etcd kwok" >&2; exit 2 ;;
  esac
done
log "ready in $(( $(date +%s) - start ))s: $cache"
