#!/usr/bin/env bash
# Assembles the goauthentik Helm chart package (authentik-VERSION.tgz) from the release-tag source archives
# in ../shared/upstream/charts, with real `helm package`, into the cache (keyed by version), and prints
# the package's path on stdout (progress on stderr).
#
#   scripts/assemble-chart.sh VERSION      e.g. 2026.2.2 (live), 2026.2.3, 2026.5.6, 2026.8.0
#   AUTHENTIK_STACK_UPSTREAM=DIR            the archives (default ../shared/upstream next to the repo)
#   AUTHENTIK_STACK_CACHE=DIR               cache root (default ~/.cache/authentik-stack)
#
# What goes into charts/: the authentik-remote-cluster dependency, unpacked from its own archive at the
# version Chart.yaml names; and ONE STAND-IN: charts/postgresql/Chart.yaml with the name and version only.
# The real dependency (bitnami postgresql) lives in an OCI registry this machine cannot reach; the stack
# disables it (postgresql.enabled: false), so its templates never render, but Helm refuses a chart whose
# charts/ lacks a declared dependency. Rendering with postgresql.enabled: true would therefore NOT show
# the postgresql objects. Everything else is the upstream chart, unmodified.
# Exit codes: 0 ready, 2 bad VERSION, 3 could not run (no archives, helm failed).
set -euo pipefail
. "$(dirname "$0")/common.sh"

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0; fi
[[ $# -eq 1 ]] || { echo "assemble-chart: expected one chart VERSION (e.g. 2026.2.2); see --help" >&2; exit 2; }
version=$1
upstream=$(as_upstream)
[[ -n "$upstream" && -d "$upstream/charts" ]] || { as_log chart "no upstream chart archives (../shared/upstream/charts next to the repo, or AUTHENTIK_STACK_UPSTREAM); the chart comes from https://charts.goauthentik.io instead" >&2; exit 3; }
archive="$upstream/charts/authentik-$version.src.tar.gz"
if [[ ! "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ || ! -f "$archive" ]]; then
  have=$(cd "$upstream/charts" && ls authentik-[0-9]*.src.tar.gz 2>/dev/null | sed -E 's/^authentik-(.*)\.src\.tar\.gz$/\1/' | tr '\n' ' ')
  echo "assemble-chart: no chart archive for version '$version'; allowed: ${have% }" >&2
  exit 2
fi
out="$AS_CACHE/charts/authentik-$version.tgz"
if [[ -f "$out" ]]; then echo "$out"; exit 0; fi

helm=$(bash "$AS_ROOT/scripts/build-helm.sh")
as_lock chart >&2
[[ -f "$out" ]] && { echo "$out"; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar xzf "$archive" -C "$work"
chart="$work/authentik"
mkdir -p "$chart/charts"
# The dependencies as Chart.yaml declares them (name, version): authentik-remote-cluster from its archive,
# postgresql as the stand-in.
deps=$("$helm" show chart "$chart" | python3 -c '
import sys, yaml
for d in yaml.safe_load(sys.stdin).get("dependencies") or []:
    print(d["name"], d["version"])')
while read -r name dver; do
  case $name in
    authentik-remote-cluster)
      dep="$upstream/charts/$name-$dver.src.tar.gz"
      [[ -f "$dep" ]] || { as_log chart "chart $version needs $name $dver, but $dep is missing" >&2; exit 3; }
      tar xzf "$dep" -C "$chart/charts"
      ;;
    postgresql)
      # THE STAND-IN (see the header): metadata only, never rendered with the stack's values.
      mkdir -p "$chart/charts/postgresql"
      printf 'apiVersion: v2\nname: postgresql\nversion: %s\ndescription: stand-in for bitnami postgresql (unreachable OCI registry); metadata only, no templates; the stack sets postgresql.enabled=false\n' "$dver" >"$chart/charts/postgresql/Chart.yaml"
      ;;
    *)
      as_log chart "chart $version declares a dependency this script does not know: $name $dver; fix: teach scripts/assemble-chart.sh where it comes from" >&2
      exit 3
      ;;
  esac
done <<<"$deps"
mkdir -p "$(dirname "$out")"
"$helm" package "$chart" --destination "$work" >&2
mv "$work/authentik-$version.tgz" "$out.tmp" && mv "$out.tmp" "$out"
as_log chart "authentik $version packaged (dependency authentik-remote-cluster from its archive; postgresql is the metadata-only stand-in): $out" >&2
echo "$out"
