#!/usr/bin/env bash
# Builds a Dockerfile with buildah on the local Debian bookworm base (tests/tools/debian-base.sh),
# without any registry, and prints what the image is made of. apt-get inside the build reaches the
# Debian mirror the machine's own apt sources name. tests/image_build_debian.rs builds the text
# before and after layerlint's fixes with it.
#
# usage: build-and-inspect-debian.sh DOCKERFILE [CONTEXT_DIR]   (the context defaults to the
#        Dockerfile's directory)
#
# FROM lines are left as they are: the base is tagged debian:bookworm, debian:bookworm-slim,
# debian:12 … in the shared store, and any other image must already be there: nothing is pulled.
#
# Exit status: 0 built and printed; 2 usage; 3 the Dockerfile did not build (the build log is on
# stderr); 4 this machine cannot build (the reason is the last line on stderr); anything else: the
# tooling itself failed.
#
# The report (stdout) has the format of build-and-inspect.sh, so both suites read it the same way:
#   layer BYTES CREATED_BY      one line per layer above the base, bottom first
#   total-layer-bytes N         the sum of those layers
#   base-layer-bytes N          the base image's layers
#   config FIELD VALUE          Env, Entrypoint, Cmd, WorkingDir, User, Labels, ExposedPorts,
#                               Volumes, StopSignal, Healthcheck, OnBuild, Shell
#   files:                      then one line per filesystem entry, sorted by path:
#   PATH d MODE UID:GID                       a directory
#   PATH f MODE UID:GID SIZE sha256:HASH      a regular file
#   PATH l MODE UID:GID -> TARGET             a symbolic link
#   PATH p|s|c|b MODE UID:GID                 a fifo, socket or device node
# /proc, /sys, /dev and the files the runtime mounts over in every RUN (/etc/hostname, /etc/hosts,
# /etc/resolv.conf, /run/.containerenv) are left out. What varies between two builds of the same
# file (logs, caches, machine ids) is printed too: the test decides what it may ignore.
#
# With LAYERLINT_SAVE_ARCHIVE=FILE in the environment, the image is also written to FILE as a
# docker-archive, for `layerlint image`.
#
# Storage: overlay, in a private throwaway store (so that parallel builds share no cache and all
# they make goes at the end), with the shared store holding the base added read-only. The kernel
# here has native overlay diffs; on vfs a Debian build would copy the whole 120 MB tree for every
# RUN. Chroot isolation, as in the busybox suite: no user namespaces or cgroups needed, and the
# host's network, so apt-get reaches the mirror.
set -euo pipefail

# shellcheck source=tests/tools/image-root.sh
. "$(dirname "$0")/image-root.sh"

TOOLS=$(cd "$(dirname "$0")" && pwd)
readonly TOOLS
readonly BASE=docker.io/library/debian:bookworm
readonly IMAGE=localhost/layerlint-inspect-debian:build
SHARED_STORE=$(buildah --storage-driver overlay info --format '{{.store.GraphRoot}}')
readonly SHARED_STORE

WORK=""
# The shared store, where debian-base.sh put the base, is added read-only: the build sees the base
# and all its names without a copy (pushing 120 MB into each private store took 3 to 7 seconds),
# and everything the build makes stays in the private store.
private_buildah() {
    buildah --storage-driver overlay --root "$WORK/root" --runroot "$WORK/runroot" \
        --storage-opt "overlay.imagestore=$SHARED_STORE" "$@"
}

cleanup() {
    if [ -n "$WORK" ] && [ -d "$WORK" ]; then
        # Removing the containers unmounts them; the store itself goes with the directory.
        private_buildah rm --all >/dev/null 2>&1 || true
        rm -rf "$WORK"
    fi
}

build() {
    local dockerfile=$1 context=$2
    # The build's own output (RUN output included) goes to stderr: stdout is the report. Docker's
    # format, as `docker build` makes; `--layers` and `--force-rm` as a cached CI build runs.
    if ! private_buildah bud --isolation chroot --layers --force-rm --pull=never --format docker \
        -f "$dockerfile" -t "$IMAGE" "$context" >&2; then
        echo "build-and-inspect-debian: the build of $dockerfile failed" >&2
        exit 3
    fi
}

diff_ids() {
    private_buildah inspect --type image --format '{{range .OCIv1.RootFS.DiffIDs}}{{println .}}{{end}}' "$1"
}

# --- the report ------------------------------------------------------------------------------------

# The size of each layer tar as a registry would receive it uncompressed. The manifest buildah
# stored at commit names each layer by its digest, which for an uncompressed layer is its diff ID,
# and gives its size; reading it spares copying the 120 MB base for every build. When a layer is
# not found there, the layers are pushed to a `dir:` and measured, as build-and-inspect.sh does.
layer_sizes() {
    local manifest object digest size
    local -A sizes=()
    manifest=$(private_buildah inspect --type image --format '{{.Manifest}}' "$IMAGE")
    manifest=${manifest#*\"layers\":\[}
    while IFS= read -r object; do
        digest=$(grep -o '"digest":"[^"]*"' <<<"$object" | cut -d'"' -f4) || true
        size=$(grep -o '"size":[0-9]*' <<<"$object" | cut -d: -f2) || true
        [ -n "$digest" ] && [ -n "$size" ] && sizes[$digest]=$size
    done < <(grep -o '{[^{}]*}' <<<"${manifest%%]*}")
    for digest in "$@"; do
        if [ -z "${sizes[$digest]:-}" ]; then
            measure_pushed_layers "$@"
            return
        fi
    done
    for digest in "$@"; do
        echo "${sizes[$digest]}"
    done
}

measure_pushed_layers() {
    local blobs="$WORK/blobs" digest
    private_buildah push --quiet --disable-compression "$IMAGE" "dir:$blobs" >/dev/null
    for digest in "$@"; do
        stat -c %s "$blobs/${digest#sha256:}"
    done
}

print_layers() {
    local base_ids ids sizes created i total=0 base_total=0
    mapfile -t base_ids < <(diff_ids "$BASE")
    mapfile -t ids < <(diff_ids "$IMAGE")
    mapfile -t sizes < <(layer_sizes "${ids[@]}")
    # One history entry per layer once the empty ones (ENV, CMD …) are left out; %q keeps a
    # multi-line heredoc script on one line.
    mapfile -t created < <(private_buildah inspect --type image \
        --format '{{range .OCIv1.History}}{{if not .EmptyLayer}}{{println (printf "%q" .CreatedBy)}}{{end}}{{end}}' "$IMAGE")
    for i in "${!ids[@]}"; do
        if [ "$i" -lt "${#base_ids[@]}" ] && [ "${ids[$i]}" = "${base_ids[$i]}" ]; then
            base_total=$((base_total + sizes[i]))
        else
            echo "layer ${sizes[$i]} ${created[$i]:-\"?\"}"
            total=$((total + sizes[i]))
        fi
    done
    echo "total-layer-bytes $total"
    echo "base-layer-bytes $base_total"
}

print_config() {
    local field format=""
    for field in Env Entrypoint Cmd WorkingDir User Labels ExposedPorts Volumes StopSignal \
        Healthcheck OnBuild Shell; do
        format+="config $field {{printf \"%+q\" .Docker.Config.$field}}"$'\n'
    done
    # A pointer to a struct, which %q cannot print.
    format=${format/'%+q\" .Docker.Config.Healthcheck'/'%+v\" .Docker.Config.Healthcheck'}
    private_buildah inspect --type image --format "$format" "$IMAGE"
}

# Every entry of the tree under $1, unsorted. A Debian image has thousands of files: they are hashed
# by one sha256sum run over NUL-separated names (one process per file took minutes), then joined
# with find's records. -z keeps sha256sum from escaping odd names.
readonly PRUNE=(\( -path ./proc -o -path ./sys -o -path ./dev
    -o -path ./etc/hostname -o -path ./etc/hosts -o -path ./etc/resolv.conf
    -o -path ./run/.containerenv \) -prune)
describe_tree() {
    local root=$1 line meta path target type mode owner size
    local -A hashes=()
    while IFS= read -r -d '' line; do
        hashes[${line#*  }]=${line%%  *}
    done < <(cd "$root" && find . "${PRUNE[@]}" -o -type f -print0 | xargs -0 -r sha256sum -z)
    (cd "$root" && find . "${PRUNE[@]}" -o -printf '%y %#m %U:%G %s\0%p\0%l\0') |
        while IFS= read -r -d '' meta && IFS= read -r -d '' path && IFS= read -r -d '' target; do
            read -r type mode owner size <<<"$meta"
            case $type in
            f) echo "${path#.} f $mode $owner $size sha256:${hashes[$path]}" ;;
            l) echo "${path#.} l $mode $owner -> $target" ;;
            *)
                path=${path#.}
                echo "${path:-/} $type $mode $owner"
                ;;
            esac
        done
}

print_files() {
    image_root
    echo "files:"
    describe_tree "$IMAGE_ROOT" | LC_ALL=C sort
    image_root_release
}

main() {
    if [ $# -lt 1 ] || [ $# -gt 2 ]; then
        echo "usage: $0 DOCKERFILE [CONTEXT_DIR]" >&2
        exit 2
    fi
    local dockerfile=$1 context=${2:-$(dirname "$1")}
    [ -f "$dockerfile" ] || { echo "build-and-inspect-debian: no such file: $dockerfile" >&2; exit 2; }
    [ -d "$context" ] || { echo "build-and-inspect-debian: no such directory: $context" >&2; exit 2; }

    # Exit status 4 (cannot build here) passes through.
    bash "$TOOLS/debian-base.sh"
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/layerlint-inspect-debian.XXXXXX")
    trap cleanup EXIT
    build "$dockerfile" "$context"
    # tests/image_waste.rs measures the built image itself: it asks for the archive here.
    if [ -n "${LAYERLINT_SAVE_ARCHIVE:-}" ]; then
        private_buildah push --quiet "$IMAGE" "docker-archive:$LAYERLINT_SAVE_ARCHIVE" >/dev/null
    fi
    print_layers
    print_config
    print_files
}

main "$@"
