#!/usr/bin/env bash
# `make scaled-demo`: run docs/scaled-recipe.sh (the recipe of
# docs/scaled-setup.md, step by step as written), check that the result works
# (docs/scaled_smoke.py), stop everything it started and print how long each
# step took. Loopback only. Ports and the folder come from the environment
# (PG_PORT, ES_PORT, S3_PORT, SMTP_PORT, APP_A_PORT, APP_B_PORT, CURBSIDE_DEMO); the
# folder is removed at the end unless KEEP_DEMO=1.
set -euo pipefail
cd "$(dirname "$0")/.."
RECIPE=docs/scaled-recipe.sh
LIMIT=${SCALED_DEMO_TIMEOUT:-900}   # seconds for the whole run

timings=()
started=$SECONDS
now() { echo $(($(date +%s%N) / 1000000)); }   # milliseconds
record() {
    local ms=$(($2 - $1))
    timings+=("$(printf '%5d.%d s  %s' $((ms / 1000)) $((ms % 1000 / 100)) "$3")")
}
report() {
    printf '\n== Step timings\n'
    printf '%s\n' "${timings[@]}"
    printf '%7d s  total\n' $((SECONDS - started))
}
finish() {
    local status=$1
    set +e
    if [ "$status" != 0 ] && [ -n "${CURBSIDE_DEMO:-}" ] && [ -d "$CURBSIDE_DEMO" ]; then
        printf '\n== The demo failed; the last lines of each log:\n'
        for log in "$CURBSIDE_DEMO"/*.log "$CURBSIDE_DEMO"/pg/server.log; do
            [ -f "$log" ] && { printf -- '--- %s\n' "$log"; tail -n 25 "$log"; }
        done
    fi
    if declare -F stop_demo >/dev/null; then
        local t0; t0=$(now)
        stop_demo
        record "$t0" "$(now)" "stop everything"
    fi
    [ "${KEEP_DEMO:-0}" = 1 ] || [ -z "${CURBSIDE_DEMO:-}" ] || rm -rf "$CURBSIDE_DEMO"
    report
    [ "$status" = 0 ] && echo "Scaled demo: all checks passed." || echo "Scaled demo: FAILED ($status)."
    exit "$status"
}
# A watchdog bounds the whole run: after LIMIT seconds it sends this shell
# SIGTERM, which ends the step in hand and then runs `finish` (stop everything).
(
    trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
    sleep "$LIMIT" &
    sleeper=$!
    wait "$sleeper" && echo "Scaled demo: over ${LIMIT}s, stopping." >&2 && kill -TERM $$
) >/dev/null &
watchdog=$!
trap 'status=$?; kill "$watchdog" 2>/dev/null; finish "$status"' EXIT
trap 'exit 143' TERM INT

# The recipe, one step (a "# == " heading) at a time, in this shell.
step=""
title=""
run_step() {
    [ -n "$title" ] || return 0
    printf '\n== %s\n' "$title"
    local t0; t0=$(now)
    eval "$step"
    record "$t0" "$(now)" "$title"
}
mapfile -t lines <"$RECIPE"
for line in "${lines[@]}"; do
    if [[ $line == "# == "* ]]; then
        run_step
        title=${line#\# == }
        step=""
    else
        step+="$line"$'\n'
    fi
done
run_step

printf '\n== Smoke checks\n'
t0=$(now)
.venv/bin/python docs/scaled_smoke.py
record "$t0" "$(now)" "smoke checks (see above)"
