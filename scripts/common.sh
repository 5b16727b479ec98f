# Sourced by the build scripts (providers, helm, chart packages): where the cache and the upstream
# source archives are, logging, a heartbeat for long silent commands, and a lock so two builds of the same
# thing (several worktrees, CI) never run at once.
#
#   AUTHENTIK_STACK_CACHE     cache root (default ~/.cache/authentik-stack); everything is keyed by version
#   AUTHENTIK_STACK_UPSTREAM  the upstream archives (default: ../shared/upstream next to the repo, or next to
#                             the main worktree when this is a `git worktree`)

AS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
AS_CACHE=${AUTHENTIK_STACK_CACHE:-$HOME/.cache/authentik-stack}

# Prints the upstream archive folder, or nothing when there is none (a clone elsewhere: registries only).
as_upstream() {
  if [[ -n "${AUTHENTIK_STACK_UPSTREAM:-}" ]]; then
    [[ -d "$AUTHENTIK_STACK_UPSTREAM" ]] && (cd "$AUTHENTIK_STACK_UPSTREAM" && pwd)
    return 0
  fi
  local cand=("$AS_ROOT/../shared/upstream") common
  # a git worktree lives elsewhere; its main worktree is the clone ../shared sits next to
  if common=$(git -C "$AS_ROOT" rev-parse --path-format=absolute --git-common-dir 2>/dev/null); then
    cand+=("$(dirname "$common")/../shared/upstream")
  fi
  local c
  for c in "${cand[@]}"; do
    if [[ -d "$c" ]]; then (cd "$c" && pwd); return 0; fi
  done
}

# as_log TAG message...
as_log() { local tag=$1; shift; echo "[$tag $(date -u +%H:%M:%S)] $*"; }

# as_run_with_heartbeat TAG WHAT LOGFILE cmd...: runs cmd with its output in LOGFILE, printing a progress
# line every 20 s (go build is silent for minutes); returns cmd's exit status. Ctrl-C stops cmd too.
as_run_with_heartbeat() {
  local tag=$1 what=$2 logfile=$3; shift 3
  local start=$SECONDS pid
  "$@" >"$logfile" 2>&1 &
  pid=$!
  trap 'kill -- "$pid" 2>/dev/null; exit 130' INT TERM
  local next=$((SECONDS + 20))
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if ((SECONDS >= next)) && kill -0 "$pid" 2>/dev/null; then
      as_log "$tag" "$what: still running ($((SECONDS - start)) s)"
      next=$((SECONDS + 20))
    fi
  done
  local rc=0
  wait "$pid" || rc=$?
  trap - INT TERM
  return "$rc"
}

# as_lock NAME: holds an exclusive lock on $AS_CACHE/NAME.lock for the rest of the script (waits, saying so).
as_lock() {
  mkdir -p "$AS_CACHE"
  command -v flock >/dev/null || return 0
  exec {AS_LOCK_FD}>"$AS_CACHE/$1.lock"
  local start=$SECONDS
  until flock -w 20 "$AS_LOCK_FD"; do
    as_log "$1" "another build holds $AS_CACHE/$1.lock; waiting for it ($((SECONDS - start)) s)"
  done
}
