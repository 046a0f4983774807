#!/usr/bin/env bash
# Builds a Dockerfile with buildah, on a local busybox base and without any registry, and prints
# what the image is made of: the bytes of each layer it adds on top of the base, and every entry
# of its final filesystem. Two builds whose file listings are equal ship the same files; their
# layer totals say which one ships fewer bytes. tests/image_build.rs builds the text before and
# after each safe fix with it.
#
# usage: build-and-inspect.sh DOCKERFILE [CONTEXT_DIR]   (the context defaults to the Dockerfile's
#        directory, as with `docker build -f`)
#
# `FROM busybox`, `FROM busybox:TAG` and `FROM docker.io/library/busybox…` lines are rewritten to
# the local base image localhost/busybox:local, which this script makes from the host's static
# busybox when it is missing. Any other image must already be in the store: nothing is pulled.
#
# Exit status: 0 built and printed; 2 usage; 3 the Dockerfile did not build (the build log is on
# stderr); anything else: the tooling itself failed.
#
# Output (stdout), in this order, the same for two builds of the same files:
#   layer BYTES CREATED_BY      one line per layer above the base, bottom first; BYTES is the size
#                               of the uncompressed layer tar, CREATED_BY is quoted on one line
#   total-layer-bytes N         the sum of those layers
#   base-layer-bytes N          the base image's layers (the same for every build)
#   config FIELD VALUE          the image config, one field a line: Env, Entrypoint, Cmd,
#                               WorkingDir, User, Labels, ExposedPorts, Volumes, StopSignal,
#                               Healthcheck, OnBuild, Shell
#   files:                      then one line per filesystem entry, sorted by path:
#   PATH d MODE UID:GID                       a directory
#   PATH f MODE UID:GID SIZE sha256:HASH      a regular file
#   PATH l MODE UID:GID -> TARGET             a symbolic link
#   PATH p|s|c|b MODE UID:GID                 a fifo, socket or device node
# /proc, /sys and /dev are left out, and so are the files the runtime mounts over in every RUN
# (/etc/hostname, /etc/hosts, /etc/resolv.conf, /run/.containerenv): what a RUN writes to them
# never reaches a layer, and they are empty placeholders in every image.
#
# With LAYERLINT_SAVE_ARCHIVE=FILE in the environment, the image is also written to FILE as a
# docker-archive (as `docker save` writes it), for `layerlint image`.
#
# Each run builds in a private, throwaway container store seeded with the base image, so the
# layers, intermediate images and containers of the build can all be removed at the end without
# touching anything else in the shared store, and parallel runs cannot see each other's cache.
set -euo pipefail

# shellcheck source=tests/tools/image-root.sh
. "$(dirname "$0")/image-root.sh"

readonly BASE=localhost/busybox:local
# Marks a base made by this script: one made by hand with a few applets would make RUNs fail that
# the real busybox image runs, so an unmarked image under the same name is replaced.
readonly BASE_LABEL_KEY=io.layerlint.busybox-base
readonly BASE_LABEL_VALUE=hardlinked-applets-v1
readonly IMAGE=localhost/layerlint-inspect:build

shared_buildah() {
    buildah --storage-driver vfs "$@"
}

die() {
    echo "build-and-inspect: $*" >&2
    exit 1
}

# --- the base image, in the shared store --------------------------------------------------------

base_is_current() {
    local label
    label=$(shared_buildah inspect --type image \
        --format "{{index .OCIv1.Config.Labels \"$BASE_LABEL_KEY\"}}" "$BASE" 2>/dev/null) || return 1
    [ "$label" = "$BASE_LABEL_VALUE" ]
}

static_busybox() {
    local candidate
    for candidate in /bin/busybox /usr/bin/busybox "$(command -v busybox || true)"; do
        # A dynamic busybox would find no libc inside the image.
        if [ -x "$candidate" ] && ! ldd "$candidate" >/dev/null 2>&1; then
            echo "$candidate"
            return
        fi
    done
    die "no static busybox found (apt-get install -y busybox-static)"
}

# A root filesystem like the official busybox image's: every applet a hard link to the binary in
# /bin, a sticky /tmp, root's home, and passwd/group entries for root and nobody. Hard links, as
# in that image, rather than symbolic ones: the vfs driver copies the whole tree for every layer,
# and 268 new inodes per step made the kernel, not the build, the slow part.
make_base_rootfs() {
    local rootfs=$1 busybox applet
    busybox=$(static_busybox)
    mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/root" "$rootfs/tmp" "$rootfs/home" "$rootfs/var"
    chmod 0700 "$rootfs/root"
    chmod 1777 "$rootfs/tmp"
    cp "$busybox" "$rootfs/bin/busybox"
    for applet in $("$busybox" --list); do
        # `busybox` itself is in the list, and already there.
        [ "$applet" = busybox ] || ln "$rootfs/bin/busybox" "$rootfs/bin/$applet"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' \
        >"$rootfs/etc/passwd"
    printf 'root:x:0:\nnobody:x:65534:\n' >"$rootfs/etc/group"
}

# Runs in ensure_base's subshell, whose exit removes the working container and the scratch tree
# whether or not the commit got that far (globals, not locals: the trap runs after the return).
BASE_CTR=""
BASE_SCRATCH=""
remove_base_leftovers() {
    if [ -n "$BASE_CTR" ]; then
        shared_buildah rm "$BASE_CTR" >/dev/null 2>&1 || true
    fi
    if [ -n "$BASE_SCRATCH" ]; then
        rm -rf "$BASE_SCRATCH"
    fi
}

create_base() {
    trap remove_base_leftovers EXIT
    BASE_SCRATCH=$(mktemp -d)
    make_base_rootfs "$BASE_SCRATCH/rootfs"
    BASE_CTR=$(shared_buildah from scratch)
    shared_buildah copy "$BASE_CTR" "$BASE_SCRATCH/rootfs/" / >/dev/null
    shared_buildah config --env PATH=/bin --cmd sh \
        --label "$BASE_LABEL_KEY=$BASE_LABEL_VALUE" "$BASE_CTR"
    shared_buildah commit --quiet "$BASE_CTR" "$BASE" >/dev/null
    echo "build-and-inspect: created the base image $BASE" >&2
}

# Tests run builds in parallel; the lock keeps two of them from creating the base at once. The
# subshell holds the lock for as long as it runs.
ensure_base() {
    local lock="${TMPDIR:-/tmp}/layerlint-busybox-base.lock"
    (
        flock 9
        base_is_current || create_base
    ) 9>"$lock"
}

# --- the build, in a private store ---------------------------------------------------------------

WORK=""
private_buildah() {
    buildah --storage-driver vfs --root "$WORK/root" --runroot "$WORK/runroot" "$@"
}

cleanup() {
    if [ -n "$WORK" ] && [ -d "$WORK" ]; then
        # Removing the containers unmounts them; the store itself goes with the directory.
        private_buildah rm --all >/dev/null 2>&1 || true
        rm -rf "$WORK"
    fi
}

seed_private_store() {
    shared_buildah push --quiet "$BASE" \
        "containers-storage:[vfs@$WORK/root+$WORK/runroot]$BASE" >/dev/null
}

# Points busybox FROM lines at the local base; the rest of the file is copied byte for byte.
rewrite_from_lines() {
    sed -E 's#^([[:space:]]*[Ff][Rr][Oo][Mm][[:space:]]+(--[^[:space:]]+[[:space:]]+)*)(docker\.io/)?(library/)?busybox([:@][^[:space:]]*)?([[:space:]]|$)#\1'"$BASE"'\6#' \
        "$1"
}

build() {
    local dockerfile=$1 context=$2
    rewrite_from_lines "$dockerfile" >"$WORK/Dockerfile"
    # The build's own output (RUN output included) goes to stderr: stdout is the report.
    # Docker's format, as `docker build` makes: the OCI one would drop HEALTHCHECK, SHELL and ONBUILD.
    if ! private_buildah bud --isolation chroot --layers --pull=never --format docker \
        -f "$WORK/Dockerfile" -t "$IMAGE" "$context" >&2; then
        echo "build-and-inspect: the build of $dockerfile failed" >&2
        exit 3
    fi
}

diff_ids() {
    private_buildah inspect --type image --format '{{range .OCIv1.RootFS.DiffIDs}}{{println .}}{{end}}' "$1"
}

# --- the report ----------------------------------------------------------------------------------

# The layer tars as a registry would receive them uncompressed: `dir:` names each blob after its
# digest, which for an uncompressed layer is its diff ID.
print_layers() {
    local blobs="$WORK/blobs" base_ids ids created i size total=0 base_total=0
    private_buildah push --quiet --disable-compression "$IMAGE" "dir:$blobs" >/dev/null
    mapfile -t base_ids < <(diff_ids "$BASE")
    mapfile -t ids < <(diff_ids "$IMAGE")
    # One history entry per layer once the empty ones (ENV, CMD …) are left out; %q keeps a
    # multi-line heredoc script on one line.
    mapfile -t created < <(private_buildah inspect --type image \
        --format '{{range .OCIv1.History}}{{if not .EmptyLayer}}{{println (printf "%q" .CreatedBy)}}{{end}}{{end}}' "$IMAGE")
    for i in "${!ids[@]}"; do
        size=$(stat -c %s "$blobs/${ids[$i]#sha256:}")
        if [ "$i" -lt "${#base_ids[@]}" ] && [ "${ids[$i]}" = "${base_ids[$i]}" ]; then
            base_total=$((base_total + size))
        else
            echo "layer $size ${created[$i]:-\"?\"}"
            total=$((total + size))
        fi
    done
    echo "total-layer-bytes $total"
    echo "base-layer-bytes $base_total"
}

# One line per entry of the tree under $1, unsorted. find hands over NUL-separated records, so any
# byte in a name is safe; the path comes first so that sorting orders by it. Each inode is hashed
# once: the base's 268 applets are hard links to one 2 MB binary.
describe_tree() {
    local root=$1 meta path target type mode owner size inode
    local -A hashes=()
    (cd "$root" && find . \( -path ./proc -o -path ./sys -o -path ./dev \
        -o -path ./etc/hostname -o -path ./etc/hosts -o -path ./etc/resolv.conf \
        -o -path ./run/.containerenv \) -prune \
        -o -printf '%y %#m %U:%G %s %i\0%p\0%l\0') |
        while IFS= read -r -d '' meta && IFS= read -r -d '' path && IFS= read -r -d '' target; do
            read -r type mode owner size inode <<<"$meta"
            path=${path#.}
            path=${path:-/}
            case $type in
            f)
                if [ -z "${hashes[$inode]:-}" ]; then
                    hashes[$inode]=$(sha256sum <"$root/$path")
                fi
                echo "$path f $mode $owner $size sha256:${hashes[$inode]%% *}"
                ;;
            l) echo "$path l $mode $owner -> $target" ;;
            *) echo "$path $type $mode $owner" ;;
            esac
        done
}

# What the metadata instructions set: moving LABEL, EXPOSE or CMD must not change any of it. Go's
# fmt prints maps with sorted keys, so each line is deterministic.
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
    [ -f "$dockerfile" ] || { echo "build-and-inspect: no such file: $dockerfile" >&2; exit 2; }
    [ -d "$context" ] || { echo "build-and-inspect: no such directory: $context" >&2; exit 2; }
    command -v buildah >/dev/null || die "buildah is not installed (apt-get install -y buildah busybox-static netavark)"
    [ "$(id -u)" = 0 ] || die "needs root: buildah's chroot isolation and vfs mounts run as root here"

    ensure_base
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/layerlint-inspect.XXXXXX")
    trap cleanup EXIT
    seed_private_store
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
