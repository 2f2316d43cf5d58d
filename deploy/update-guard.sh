#!/usr/bin/env bash
# Start guard for updates from the centre: runs before every start (ExecStartPre in edgegateway.service).
# Usage: update-guard.sh INSTALL_DIR DATA_DIR
# A release switched to by the gateway is on trial (DATA_DIR/update/state, state=trial) until its health gate passes.
# Each start on trial is counted; more than max_starts starts (a crash loop), or a release still on trial 60 s past its
# gate's deadline (it never started, or hung), is rolled back here: current goes back to the previous release
# (the state's "from") and the state says rolled-back, stage=start, reported=0, so the previous release tells the
# centre (technical.update-failed) once it runs. Anything missing or garbled: nothing is done. It always exits 0:
# the guard must never stop the gateway from starting.
install_dir="${1:-}"
data_dir="${2:-}"
state_file="$data_dir/update/state"
keys=(state version from_version to from switched_at gate_seconds starts max_starts rollout downloaded_bytes stage reason reported)
declare -A kv

log() { echo "update-guard: $*" >&2; }

write_state() {
  local tmp="$state_file.tmp" k
  {
    for k in "${keys[@]}"; do
      printf '%s=%s\n' "$k" "${kv[$k]:-}"
    done
  } > "$tmp" || return 1
  sync "$tmp" 2>/dev/null
  mv -f "$tmp" "$state_file" || return 1
  sync "$(dirname "$state_file")" 2>/dev/null
  return 0
}

roll_back() {
  local reason="$1" from="${kv[from]}"
  ln -sfn "$from" "$install_dir/current.new" && mv -T "$install_dir/current.new" "$install_dir/current" || {
    log "could not switch $install_dir/current back to $from; starting ${kv[version]} anyway"
    return 0
  }
  kv[state]=rolled-back
  kv[stage]=start
  kv[reason]="$reason"
  kv[reported]=0
  write_state || log "could not write $state_file"
  log "rolled back from ${kv[version]} to $from: $reason"
}

main() {
  [ -n "$install_dir" ] && [ -n "$data_dir" ] && [ -f "$state_file" ] || return 0
  local line
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
      *=*) kv["${line%%=*}"]="${line#*=}" ;;
    esac
  done < "$state_file"
  [ "${kv[state]:-}" = trial ] || return 0
  local k
  for k in starts max_starts switched_at gate_seconds; do
    [[ "${kv[$k]:-}" =~ ^[0-9]{1,12}$ ]] || { log "$state_file: $k is not a number; nothing done"; return 0; }
  done
  # Only a release folder under install_dir may be switched to: a garbled "from" must not point current anywhere else.
  [[ "${kv[from]:-}" =~ ^releases/[0-9A-Za-z.+-]+$ ]] && [ -d "$install_dir/${kv[from]}" ] || { log "$state_file: no previous release to go back to; nothing done"; return 0; }

  local starts=$((10#${kv[starts]} + 1)) max=$((10#${kv[max_starts]})) gate=$((10#${kv[gate_seconds]}))
  local deadline=$((10#${kv[switched_at]} + gate + 60)) now
  now=$(date +%s)
  kv[starts]=$starts
  if (( starts > max )); then
    roll_back "crash loop: started $max times without passing its health gate"
  elif (( now > deadline )); then
    roll_back "did not pass its health gate within $gate s (it did not start or hung)"
  else
    write_state || log "could not write $state_file"
  fi
  return 0
}

main || true
exit 0
