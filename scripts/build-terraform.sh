#!/usr/bin/env bash
# Only for machines without terraform: builds OpenTofu (MPL-2.0; cdktf and these tests drive it like
# terraform) from the Go module proxy into $cache/bin, with a `terraform` link to it. Prints the bin dir to put on PATH.
set -euo pipefail
cache=${AUTHENTIK_STACK_CACHE:-$HOME/.cache/authentik-stack}
version=${OPENTOFU_VERSION:-v1.10.6}
bin="$cache/bin"
mkdir -p "$bin"
if [[ ! -x "$bin/tofu" ]]; then
  echo "[terraform] no terraform on PATH; building OpenTofu $version from the Go module proxy (minutes)" >&2
  export GOFLAGS=-mod=mod CGO_ENABLED=0
  dir=$(go mod download -json "github.com/opentofu/opentofu@$version" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  work=$(mktemp -d)
  cp -r "$dir"/. "$work"/ && chmod -R u+w "$work"
  (cd "$work" && go build -trimpath -ldflags "-s -w" -o "$bin/tofu.tmp" ./cmd/tofu)
  mv "$bin/tofu.tmp" "$bin/tofu"
  rm -rf "$work"
fi
ln -sf tofu "$bin/terraform"
# (OpenTofu resolves "hashicorp/kubernetes" on registry.opentofu.org: build-providers.sh mirrors there too)
echo "$bin"
