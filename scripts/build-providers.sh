#!/usr/bin/env bash
# Builds the five Terraform providers the stack pins, at exactly the pinned versions, from the release-tag
# source archives in ../shared/upstream/go (terraform/providers.tsv), into a Terraform filesystem mirror
# (unpacked layout) under the cache; writes a CLI config pointing terraform at it and records in
# $cache/providers.json what the mirror holds (version, archive, tag commit, and for goauthentik the
# client-go tag it was built against).
#
#   scripts/build-providers.sh            build what is missing (a built version is never rebuilt)
#   scripts/build-providers.sh TYPE...    only these (e.g. authentik); providers.json lists what the mirror holds
#   scripts/build-providers.sh --help
#   AUTHENTIK_STACK_CACHE=DIR             cache root (default ~/.cache/authentik-stack)
#   AUTHENTIK_STACK_UPSTREAM=DIR          the archives (default ../shared/upstream next to the repo)
#
# Without the archives (a clone elsewhere) nothing is built: the script says so, writes providers.json
# with "source": "registry" and no CLI config, and terraform downloads the pinned providers from
# registry.terraform.io as usual. Exit codes: 0 mirror ready (or registry mode), 3 a build failed.
# Each build: unpack to $cache/build/<type>-<version>, CGO_ENABLED=0 go build -trimpath -ldflags="-s -w"
# (cold: minutes per provider; a progress line every 20 s), then move the binary into the mirror.
set -euo pipefail
. "$(dirname "$0")/common.sh"

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0; fi
only=("$@")

tag=providers
mirror="$AS_CACHE/providers"
tfrc="$AS_CACHE/terraformrc"
upstream=$(as_upstream)
mkdir -p "$AS_CACHE"

json_entry() { # ns type version archive commit built_against
  printf '{"namespace":"%s","type":"%s","version":"%s","archive":"%s","commit":"%s","built_against":%s}' "$1" "$2" "$3" "$4" "$5" "$6"
}

rows=() types=()
while IFS=$'\t' read -r ns type version archive commit replace; do
  [[ -z "$ns" || "$ns" == \#* ]] && continue
  types+=("$type")
  rows+=("$ns"$'\t'"$type"$'\t'"$version"$'\t'"$archive"$'\t'"$commit"$'\t'"$replace")
done <"$AS_ROOT/terraform/providers.tsv"
for t in "${only[@]}"; do
  [[ " ${types[*]} " == *" $t "* ]] || { echo "build-providers: unknown provider '$t'; allowed: ${types[*]} (terraform/providers.tsv), or --help" >&2; exit 2; }
done

if [[ -z "$upstream" || ! -d "$upstream/go" ]]; then
  as_log $tag "no upstream archives (../shared/upstream next to the repo, or AUTHENTIK_STACK_UPSTREAM): not building a provider mirror"
  as_log $tag "terraform will download the pinned providers from registry.terraform.io as usual (needs that registry reachable)"
  entries=()
  for r in "${rows[@]}"; do
    IFS=$'\t' read -r ns type version archive commit replace <<<"$r"
    entries+=("{\"namespace\":\"$ns\",\"type\":\"$type\",\"version\":\"$version\"}")
  done
  (IFS=,; echo "{\"source\":\"registry\",\"providers\":[${entries[*]}]}") >"$AS_CACHE/providers.json.tmp"
  mv "$AS_CACHE/providers.json.tmp" "$AS_CACHE/providers.json"
  rm -f "$tfrc"
  exit 0
fi

command -v go >/dev/null || { as_log $tag "go is not on PATH; the mirror is built with Go (Debian: golang, or https://go.dev/dl)"; exit 3; }
as_lock providers
export CGO_ENABLED=0 GOFLAGS="${GOFLAGS:--buildvcs=false}"
total_start=$SECONDS
entries=()
for r in "${rows[@]}"; do
  IFS=$'\t' read -r ns type version archive commit replace <<<"$r"
  dest="$mirror/registry.terraform.io/$ns/$type/$version/linux_amd64/terraform-provider-${type}_v$version"
  built_against=null
  if [[ "$replace" != "-" ]]; then
    # goauthentik.io/api/v3=client-go-v3.2026020.2.src.tar.gz -> "goauthentik.io/api/v3 v3.2026020.2 (client-go-v3...)"
    rtag=$(sed -E 's/.*-(v[0-9][^-]*)\.src\.tar\.gz$/\1/' <<<"${replace#*=}")
    built_against="\"${replace%%=*} $rtag (${replace#*=}, by a go.mod replace)\""
  fi
  entry=$(json_entry "$ns" "$type" "$version" "$archive" "$commit" "$built_against")
  if [[ -x "$dest" ]]; then
    as_log $tag "$ns/$type $version: cached"
    entries+=("$entry")
    continue
  fi
  if ((${#only[@]})) && [[ " ${only[*]} " != *" $type "* ]]; then
    as_log $tag "$ns/$type $version: not built (not asked for)"
    continue
  fi
  [[ -f "$upstream/go/$archive" ]] || { as_log $tag "$ns/$type $version: $upstream/go/$archive is missing; allowed: the archives listed in $upstream/README.md"; exit 3; }
  start=$SECONDS
  work="$AS_CACHE/build/$type-$version"
  rm -rf "$work" && mkdir -p "$work"
  tar xzf "$upstream/go/$archive" -C "$work"
  src="$work/terraform-provider-$type"
  if [[ "$replace" != "-" ]]; then
    tar xzf "$upstream/go/${replace#*=}" -C "$work"
    rdir=$(tar tzf "$upstream/go/${replace#*=}" | awk -F/ 'NR == 1 { print $1 }')
    (cd "$src" && go mod edit -replace "${replace%%=*}=../$rdir")
  fi
  with=""
  [[ "$replace" != "-" ]] && with=" with ${replace%%=*} from ${replace#*=}"
  as_log $tag "$ns/$type $version: building from $archive$with (cold Go cache: minutes)"
  mkdir -p "$(dirname "$dest")"
  log="$AS_CACHE/build/$type-$version.log"
  if ! as_run_with_heartbeat $tag "$ns/$type $version" "$log" \
    bash -c 'cd "$1" && go build -trimpath -ldflags="-s -w -X main.version=$2" -o "$3" .' _ "$src" "$version" "$dest.tmp"; then
    tail -20 "$log" >&2
    as_log $tag "$ns/$type $version: go build failed (full log: $log)"
    rm -f "$dest.tmp"
    exit 3
  fi
  mv "$dest.tmp" "$dest"
  entries+=("$entry")
  rm -rf "$work"
  as_log $tag "$ns/$type $version: built in $((SECONDS - start)) s"
done

# OpenTofu looks providers up on registry.opentofu.org: the same tree there, hard-linked (it does not
# follow a symlinked host directory)
rm -rf "$mirror/registry.opentofu.org.tmp"
cp -al "$mirror/registry.terraform.io" "$mirror/registry.opentofu.org.tmp"
rm -rf "$mirror/registry.opentofu.org" && mv "$mirror/registry.opentofu.org.tmp" "$mirror/registry.opentofu.org"

(IFS=,; echo "{\"source\":\"mirror\",\"mirror\":\"$mirror\",\"upstream\":\"$upstream/go\",\"providers\":[${entries[*]}]}") >"$AS_CACHE/providers.json.tmp"
mv "$AS_CACHE/providers.json.tmp" "$AS_CACHE/providers.json"
cat >"$tfrc.tmp" <<TFRC
# Written by scripts/build-providers.sh. Use with TF_CLI_CONFIG_FILE=$tfrc
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/*/*", "registry.opentofu.org/*/*"]
  }
}
TFRC
mv "$tfrc.tmp" "$tfrc"
as_log $tag "mirror ready in $((SECONDS - total_start)) s: $mirror"
as_log $tag "export TF_CLI_CONFIG_FILE=$tfrc"
