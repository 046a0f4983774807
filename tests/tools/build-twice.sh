#!/usr/bin/env bash
# Builds a Dockerfile twice with buildah --layers, on the local busybox base, and prints the log of
# the second build: which steps buildah took from the cache ("--> Using cache") after one context
# file or one build argument changed. tests/layers_cache.rs compares it with what
# `layerlint layers --changed/--build-arg` predicts.
#
# usage: build-twice.sh DOCKERFILE CONTEXT_DIR [--target STAGE] [--change PATH] [--build-arg N=V]...
#   --change PATH      after the first build, append a line to CONTEXT_DIR/PATH (made if missing)
#   --build-arg N=V    passed to the second build only (the first passes none)
#
# `FROM busybox` lines point at localhost/busybox:local, which build-and-inspect.sh makes when it
# is missing. Each run builds in a private, throwaway store seeded with that base, so parallel runs
# share no cache.
#
# Exit status: 0 built twice; 2 usage; 3 a build failed (its log is on stderr); other: tooling.
set -euo pipefail

readonly BASE=localhost/busybox:local
here=$(dirname "$0")

usage() {
    echo "usage: $0 DOCKERFILE CONTEXT_DIR [--target STAGE] [--change PATH] [--build-arg N=V]..." >&2
    exit 2
}

[ $# -ge 2 ] || usage
dockerfile=$1 context=$2
shift 2
target=() change="" second=()
while [ $# -gt 0 ]; do
    case $1 in
    --target) target=(--target "$2"); shift 2 ;;
    --change) change=$2; shift 2 ;;
    --build-arg) second+=(--build-arg "$2"); shift 2 ;;
    *) usage ;;
    esac
done
[ -f "$dockerfile" ] && [ -d "$context" ] || usage

# The base: build-and-inspect.sh makes it (under a lock) on its first build.
if ! buildah --storage-driver vfs inspect --type image "$BASE" >/dev/null 2>&1; then
    probe=$(mktemp -d)
    echo 'FROM busybox' >"$probe/Dockerfile"
    "$here/build-and-inspect.sh" "$probe/Dockerfile" >/dev/null
    rm -rf "$probe"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/layerlint-twice.XXXXXX")
private_buildah() {
    buildah --storage-driver vfs --root "$WORK/root" --runroot "$WORK/runroot" "$@"
}
cleanup() {
    private_buildah rm --all >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

buildah --storage-driver vfs push --quiet "$BASE" \
    "containers-storage:[vfs@$WORK/root+$WORK/runroot]$BASE" >/dev/null
sed -E 's#^([[:space:]]*[Ff][Rr][Oo][Mm][[:space:]]+(--[^[:space:]]+[[:space:]]+)*)(docker\.io/)?(library/)?busybox([:@][^[:space:]]*)?([[:space:]]|$)#\1'"$BASE"'\6#' \
    "$dockerfile" >"$WORK/Dockerfile"

build() {
    private_buildah bud --isolation chroot --layers --pull=never --format docker \
        -f "$WORK/Dockerfile" -t localhost/layerlint-twice:build "${target[@]}" "$@" "$context" \
        >"$WORK/log" 2>&1 || { cat "$WORK/log" >&2; exit 3; }
}

build
if [ -n "$change" ]; then
    mkdir -p "$(dirname "$context/$change")"
    echo "changed $(date +%s%N)" >>"$context/$change"
fi
build "${second[@]}"
cat "$WORK/log"
