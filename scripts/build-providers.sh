#!/usr/bin/env bash
# Builds the Terraform providers the stack pins, from the Go module proxy, into a Terraform
# filesystem mirror (unpacked layout), writes a CLI config pointing terraform at it, and records
# in $cache/providers.json exactly which version of each provider the mirror holds.
#
#   scripts/build-providers.sh                 build what is missing (cached binaries are reused)
#   AUTHENTIK_STACK_CACHE=/dir scripts/...     cache somewhere else (default ~/.cache/authentik-stack)
#
# Per provider (terraform/providers.tsv): try the pinned tag's commit; if the proxy refuses it, build
# the substitute the proxy serves, labelled as such; if nothing is served, the schema stand-in
# (tools/standin-provider) takes its place and providers.json says so.
# On a machine that reaches registry.terraform.io none of this is needed: terraform downloads the
# pinned providers itself, and the tooling only uses the mirror when it exists.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cache=${AUTHENTIK_STACK_CACHE:-$HOME/.cache/authentik-stack}
mirror="$cache/providers"
tfrc="$cache/terraformrc"
mkdir -p "$mirror" "$cache/plugin-cache"
export GOFLAGS="${GOFLAGS:--buildvcs=false}" CGO_ENABLED=0

log() { echo "[providers $(date +%H:%M:%S)] $*"; }
install_to() { # module@version dest-binary version-label log-file (go's output goes there)
  local gobin; gobin=$(mktemp -d)
  if ! GOBIN="$gobin" go install -trimpath -ldflags "-s -w -X main.version=$3" "$1" >"$4" 2>&1; then
    rm -rf "$gobin"
    return 1
  fi
  mkdir -p "$(dirname "$2")"
  mv "$gobin"/terraform-provider-* "$2.tmp" && mv "$2.tmp" "$2"
  rm -rf "$gobin"
}

total_start=$(date +%s)
entries=()
while IFS=$'\t' read -r ns type pinned module commit subst subst_version; do
  [[ -z "$ns" || "$ns" == \#* ]] && continue
  kind="" version=""
  # Reuse what an earlier run built (pinned first).
  for v in "$pinned" "$subst_version" "$pinned-standin"; do
    [[ "$v" == "-" ]] && continue
    if [[ -x "$mirror/registry.terraform.io/$ns/$type/$v/linux_amd64/terraform-provider-${type}_v$v" ]]; then
      version=$v; case $v in "$pinned") kind=pinned ;; *-standin) kind=standin ;; *) kind=substitute ;; esac
      log "$ns/$type $v: cached ($kind)"
      # a stand-in serves whatever schema sits beside it: keep it in step with schemas/
      [[ $kind == standin ]] && cp "$here/schemas/$type.json" "$(dirname "$mirror/registry.terraform.io/$ns/$type/$v/linux_amd64/x")/schema.json"
      break
    fi
  done
  if [[ -z "$version" ]]; then
    start=$(date +%s)
    dest="$mirror/registry.terraform.io/$ns/$type/$pinned/linux_amd64/terraform-provider-${type}_v$pinned"
    log "$ns/$type $pinned: building $module@$commit"
    if install_to "$module@$commit" "$dest" "$pinned" "$cache/$type.log"; then
      version=$pinned kind=pinned
    elif [[ "$subst" != "-" ]]; then
      log "$ns/$type $pinned: the proxy refused the pinned commit ($(grep -m1 -o 'not available\|403\|404' "$cache/$type.log" || echo "see $cache/$type.log")); building the served substitute $module@$subst as $subst_version (minutes when the Go cache is cold)"
      dest="$mirror/registry.terraform.io/$ns/$type/$subst_version/linux_amd64/terraform-provider-${type}_v$subst_version"
      if ! install_to "$module@$subst" "$dest" "$subst_version" "$cache/$type.log"; then
        tail -20 "$cache/$type.log" >&2
        log "$ns/$type: building $module@$subst failed (full log: $cache/$type.log)"
        exit 1
      fi
      version=$subst_version kind=substitute
    else
      # Nothing real is served: build the schema stand-in, which serves schemas/<type>.json (the
      # provider's schema, recorded) for validate and plan only; it refuses to apply.
      version="$pinned-standin" kind=standin
      log "$ns/$type $pinned: not served by the proxy; building the schema stand-in as $version from schemas/$type.json"
      dest="$mirror/registry.terraform.io/$ns/$type/$version/linux_amd64"
      mkdir -p "$dest"
      (cd "$here/tools/standin-provider" && go build -trimpath -o "$dest/terraform-provider-${type}_v$version.tmp" .)
      cp "$here/schemas/$type.json" "$dest/schema.json"
      mv "$dest/terraform-provider-${type}_v$version.tmp" "$dest/terraform-provider-${type}_v$version"
    fi
    [[ -n "$version" ]] && log "$ns/$type $version: built in $(( $(date +%s) - start ))s ($kind)"
  fi
  entries+=("{\"namespace\":\"$ns\",\"type\":\"$type\",\"pinned\":\"$pinned\",\"kind\":\"$kind\",\"version\":\"$version\"}")
done < "$here/terraform/providers.tsv"

# OpenTofu looks providers up on registry.opentofu.org: the same tree there, hard-linked (it does not
# follow a symlinked host directory)
rm -rf "$mirror/registry.opentofu.org"
cp -al "$mirror/registry.terraform.io" "$mirror/registry.opentofu.org"

(IFS=,; echo "{\"mirror\":\"$mirror\",\"providers\":[${entries[*]}]}") > "$cache/providers.json"
cat > "$tfrc.tmp" <<TFRC
# Written by scripts/build-providers.sh. Use with TF_CLI_CONFIG_FILE=$tfrc
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/*/*", "registry.opentofu.org/*/*"]
  }
}
plugin_cache_dir = "$cache/plugin-cache"
TFRC
mv "$tfrc.tmp" "$tfrc"
log "mirror ready in $(( $(date +%s) - total_start ))s: $mirror"
log "export TF_CLI_CONFIG_FILE=$tfrc"
