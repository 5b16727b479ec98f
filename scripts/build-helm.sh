#!/usr/bin/env bash
# Builds helm (helm.sh/helm/v3/cmd/helm, from the Go module proxy) into the cache, keyed by version, and
# prints the binary's path on stdout (progress goes to stderr). A built version is never rebuilt.
#
#   scripts/build-helm.sh              -> ~/.cache/authentik-stack/helm/v3.20.2/helm
#   HELM_VERSION=v3.x.y scripts/...    another version
#   AUTHENTIK_STACK_CACHE=DIR          cache root (default ~/.cache/authentik-stack)
# Exit codes: 0 ready, 3 could not build (no Go, the proxy refused, compile error; the log is shown).
set -euo pipefail
. "$(dirname "$0")/common.sh"

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0; fi
if [[ $# -gt 0 ]]; then echo "build-helm: unknown argument '$1'; allowed: --help (the version comes from HELM_VERSION)" >&2; exit 2; fi

version=${HELM_VERSION:-v3.20.2}
[[ "$version" =~ ^v3\.[0-9]+\.[0-9]+$ ]] || { echo "build-helm: HELM_VERSION '$version' is not a helm 3 release tag; allowed: v3.X.Y (e.g. v3.20.2)" >&2; exit 2; }
dir="$AS_CACHE/helm/$version"
if [[ ! -x "$dir/helm" ]]; then
  command -v go >/dev/null || { as_log helm "go is not on PATH; helm is built with Go (Debian: golang)" >&2; exit 3; }
  as_lock helm >&2
  if [[ ! -x "$dir/helm" ]]; then
    mkdir -p "$dir"
    tmp=$(mktemp -d "$dir/.build.XXXXXX")
    as_log helm "building helm $version from the Go module proxy (cold Go cache: minutes)" >&2
    start=$SECONDS
    if ! CGO_ENABLED=0 GOBIN="$tmp" as_run_with_heartbeat helm "helm $version" "$dir/build.log" \
      go install -ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$version" "helm.sh/helm/v3/cmd/helm@$version" >&2; then
      tail -20 "$dir/build.log" >&2
      as_log helm "building helm $version failed (full log: $dir/build.log)" >&2
      rm -rf "$tmp"
      exit 3
    fi
    mv "$tmp/helm" "$dir/helm"
    rm -rf "$tmp"
    as_log helm "helm $version built in $((SECONDS - start)) s" >&2
  fi
fi
echo "$dir/helm"
