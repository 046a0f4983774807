# Sourced by build-and-inspect.sh and build-and-inspect-debian.sh: the final filesystem of the image
# they built, as a directory to list. Each script defines private_buildah, IMAGE and WORK first.
#
# `buildah from` runs the image's ONBUILD triggers in the container it makes (as a child build
# would), so its mount shows a filesystem the image does not ship, and a trigger that cannot run
# here (`ONBUILD RUN apt-get …` on busybox) makes it fail. An image with triggers is therefore
# unpacked from its own layer tars instead, bottom first, applying each layer's whiteouts as
# the storage drivers do. Images without triggers are mounted: that is instant, and unpacking a
# Debian base for every build would cost seconds each.

# Sets IMAGE_ROOT to the directory (globals, not output: a command substitution's subshell would
# lose the container's name). Call image_root_release when done with it.
IMAGE_ROOT=""
IMAGE_ROOT_CTR=""
image_root() {
    local triggers
    triggers=$(private_buildah inspect --type image --format '{{len .Docker.Config.OnBuild}}' "$IMAGE")
    if [ "$triggers" = 0 ]; then
        IMAGE_ROOT_CTR=$(private_buildah from --pull=never "$IMAGE")
        IMAGE_ROOT=$(private_buildah mount "$IMAGE_ROOT_CTR")
    else
        IMAGE_ROOT="$WORK/unpacked"
        unpack_layers "$IMAGE_ROOT"
    fi
}

image_root_release() {
    if [ -n "$IMAGE_ROOT_CTR" ]; then
        private_buildah umount "$IMAGE_ROOT_CTR" >/dev/null
    fi
}

# Applies the image's layer tars in order under $1.
unpack_layers() {
    local root=$1 blobs="$WORK/unpack-blobs" id
    private_buildah push --quiet --disable-compression "$IMAGE" "dir:$blobs" >/dev/null
    mkdir -p "$root"
    # No layer tar has an entry for `/`; the vfs driver's mount point is 0555, so the listing of an
    # unpacked image says the same as a mounted one.
    chmod 0555 "$root"
    while IFS= read -r id; do
        [ -n "$id" ] || continue
        apply_layer "$blobs/${id#sha256:}" "$root"
    done < <(private_buildah inspect --type image \
        --format '{{range .OCIv1.RootFS.DiffIDs}}{{println .}}{{end}}' "$IMAGE")
    rm -rf "$blobs"
}

# One layer: first what it deletes (`.wh.NAME` removes NAME, `.wh..wh..opq` empties its directory
# of what lower layers put there), then what it adds. The whiteout entries are found by extracting
# only them into a scratch directory, so any byte in a name is handled.
apply_layer() {
    local tarball=$1 root=$2 scratch entry relative dir name
    scratch=$(mktemp -d "$WORK/whiteouts.XXXXXX")
    # tar exits non-zero when no entry matches: a layer without whiteouts.
    tar -xf "$tarball" -C "$scratch" --wildcards --no-anchored '.wh.*' 2>/dev/null || true
    while IFS= read -r -d '' entry; do
        relative=${entry#"$scratch"/}
        name=${relative##*/}
        dir=.
        [ "$relative" = "$name" ] || dir=${relative%/*}
        if [ "$name" = .wh..wh..opq ]; then
            find "$root/$dir" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
        else
            rm -rf "${root:?}/$dir/${name#.wh.}"
        fi
    done < <(find "$scratch" -name '.wh.*' -print0)
    rm -rf "$scratch"
    tar -xf "$tarball" -C "$root" --numeric-owner --same-owner --same-permissions \
        --exclude='.wh.*'
}
