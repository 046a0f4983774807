#!/usr/bin/env bash
# Makes a Debian bookworm base image without any registry, and caches it, so that the Debian
# image-build suite (tests/image_build_debian.rs) can build real apt Dockerfiles.
#
# usage: debian-base.sh            make the base when it is missing or stale; print nothing on
#                                  stdout, progress on stderr
#        debian-base.sh --check    only say whether the base could be made and used here
#
# What it makes: `debootstrap --variant=minbase bookworm` from the Debian mirror the machine's own
# apt sources name, then the apt and dpkg settings of the official Docker `debian` image (made by
# debuerreotype), no package lists, no downloaded .debs. It is imported into the shared container
# store (overlay driver) with `buildah from scratch` + `add` + `commit` and tagged with the names
# Dockerfiles use for it: see TAGS. It is the full (not slimmed) image under every name; each
# build is compared with another build from the same base, so the difference does not matter.
# There is deliberately no ubuntu tag: this is Debian, and a test on `ubuntu:24.04` would prove
# nothing about Ubuntu.
#
# The root filesystem is cached as a tarball (CACHE below), so after the first run (debootstrap:
# about 80 s here) only the import is repeated when the store lost the image (a few seconds).
#
# Exit status: 0 the base is ready (or, with --check, could be); 4 this machine cannot build it or
# use it (the reason is the last line on stderr: no root, no buildah, no debootstrap, mirror
# unreachable); anything else: the tooling itself failed.
set -euo pipefail

readonly SUITE=bookworm
# Marks a base made by this script from this recipe. Change the value whenever the recipe changes:
# an image with another value (or none: one made by hand, or pulled) is replaced.
readonly LABEL_KEY=io.layerlint.debian-base
readonly LABEL_VALUE=bookworm-minbase-v1
readonly TAGS=(
    docker.io/library/debian:bookworm
    docker.io/library/debian:bookworm-slim
    docker.io/library/debian:12
    docker.io/library/debian:12-slim
    docker.io/library/debian:latest
    docker.io/library/debian:stable
    docker.io/library/debian:stable-slim
)
readonly CACHE=${LAYERLINT_DEBIAN_CACHE:-/var/tmp/layerlint-debian-base}
readonly TARBALL=$CACHE/$LABEL_VALUE.tar

shared_buildah() {
    buildah --storage-driver overlay "$@"
}

say() {
    echo "debian-base: $*" >&2
}

# The machine cannot do it: not a failure of the tooling, and the test skips loudly with the reason.
cannot() {
    say "cannot make the Debian base: $*"
    exit 4
}

# --- where apt goes --------------------------------------------------------------------------------

# The first `URIs:` (deb822) or `deb` line of the machine's apt sources whose path ends in the given
# suffix: the mirror this machine is known to reach, which builds then use too.
machine_uri() {
    local suffix=$1 uri
    uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources \
        2>/dev/null |
        sed -nE 's#^[[:space:]]*(URIs:[[:space:]]*|deb[[:space:]]+(\[[^]]*\][[:space:]]+)?)([a-z]+://[^[:space:]]+).*#\3#p' |
        sed 's#/*$##' | grep -E "/$suffix\$" | head -n 1) || true
    echo "${uri:-http://deb.debian.org/$suffix}"
}

MIRROR=${LAYERLINT_DEBIAN_MIRROR:-$(machine_uri debian)}
SECURITY_MIRROR=${LAYERLINT_DEBIAN_SECURITY_MIRROR:-$(machine_uri debian-security)}
readonly MIRROR SECURITY_MIRROR

reachable() {
    local url=$1/dists/$2/InRelease
    if command -v curl >/dev/null; then
        curl -fsS --max-time 20 -o /dev/null "$url" 2>/dev/null
    elif command -v wget >/dev/null; then
        wget -q -T 20 -O /dev/null "$url"
    else
        # Neither tool: let debootstrap or apt be the judge.
        return 0
    fi
}

check_machine() {
    [ "$(id -u)" = 0 ] || cannot "needs root (buildah's chroot isolation and overlay mounts)"
    command -v buildah >/dev/null ||
        cannot "buildah is not installed (apt-get install -y buildah netavark)"
    # Every build runs apt-get against the mirror, so without it there is nothing to test.
    reachable "$MIRROR" "$SUITE" || cannot "the Debian mirror $MIRROR is unreachable"
    if [ ! -s "$TARBALL" ]; then
        command -v debootstrap >/dev/null ||
            cannot "debootstrap is not installed (apt-get install -y debootstrap)"
    fi
}

# --- the root filesystem ---------------------------------------------------------------------------

# The settings the official image ships (debuerreotype's minimizing config), with comments of our own.
configure_like_the_official_image() {
    local rootfs=$1
    local clean='"rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true";'

    # Services must not start while a build installs their package.
    cat >"$rootfs/usr/sbin/policy-rc.d" <<'EOF'
#!/bin/sh
# Image builds have no init system: tell maintainer scripts not to start services.
exit 101
EOF
    chmod 0755 "$rootfs/usr/sbin/policy-rc.d"

    cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker-apt-speedup" <<'EOF'
# A build that loses power is rerun from scratch, so dpkg need not sync after every file.
force-unsafe-io
EOF

    cat >"$rootfs/etc/apt/apt.conf.d/docker-autoremove-suggests" <<'EOF'
# Let `apt-get purge --auto-remove` also remove packages that only a suggestion keeps installed,
# so that build dependencies installed and purged in one RUN really go.
Apt::AutoRemove::SuggestsImportant "false";
EOF

    # The effect of `apt-get clean` after every dpkg run and every update: downloaded .debs and
    # apt's binary caches never stay in a layer. (apt-get clean itself would wait on apt's own
    # lock from inside these hooks.) The two empty caches are never written at all.
    cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<EOF
// Downloaded packages and apt's binary caches would only waste space in each image layer.
DPkg::Post-Invoke { $clean };
APT::Update::Post-Invoke { $clean };

Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF

    cat >"$rootfs/etc/apt/apt.conf.d/docker-gzip-indexes" <<'EOF'
// Keep the package lists compressed on disk: a layer that keeps them stays smaller.
Acquire::GzipIndexes "true";
EOF

    cat >"$rootfs/etc/apt/apt.conf.d/docker-no-languages" <<'EOF'
// No translated package descriptions: a faster `apt-get update`, smaller lists.
Acquire::Languages "none";
EOF
    chmod 0644 "$rootfs/etc/dpkg/dpkg.cfg.d/docker-apt-speedup" "$rootfs"/etc/apt/apt.conf.d/docker-*

    # The sources the official image has (deb822), pointing at the mirror this machine reaches.
    rm -f "$rootfs/etc/apt/sources.list"
    {
        printf 'Types: deb\nURIs: %s\nSuites: %s %s-updates\nComponents: main\n' \
            "$MIRROR" "$SUITE" "$SUITE"
        printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
        if reachable "$SECURITY_MIRROR" "$SUITE-security"; then
            printf '\nTypes: deb\nURIs: %s\nSuites: %s-security\nComponents: main\n' \
                "$SECURITY_MIRROR" "$SUITE"
            printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
        fi
    } >"$rootfs/etc/apt/sources.list.d/debian.sources"

    # What the image must not carry: the lists debootstrap used, its downloaded packages and apt's
    # caches, the logs of the bootstrap (as debuerreotype's fixup does), and the host's identity.
    rm -rf "$rootfs"/var/lib/apt/lists/*
    rm -f "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin
    rm -f "$rootfs/var/log/dpkg.log" "$rootfs/var/log/bootstrap.log" \
        "$rootfs/var/log/alternatives.log" "$rootfs/var/cache/ldconfig/aux-cache"
    rm -rf "$rootfs"/var/log/apt/*
    : >"$rootfs/etc/resolv.conf"
    echo localhost >"$rootfs/etc/hostname"
}

make_tarball() {
    local scratch rootfs
    scratch=$(mktemp -d "$CACHE/rootfs.XXXXXX")
    rootfs=$scratch/rootfs
    say "debootstrap --variant=minbase $SUITE from $MIRROR (about 2 minutes)"
    if ! debootstrap --variant=minbase "$SUITE" "$rootfs" "$MIRROR" >"$scratch/debootstrap.log" 2>&1; then
        tail -n 20 "$scratch/debootstrap.log" >&2
        rm -rf "$scratch"
        say "debootstrap failed"
        exit 1
    fi
    configure_like_the_official_image "$rootfs"
    # /dev, /proc and /sys are mounted by the runtime; the image holds empty directories, as the
    # official one does. Numeric owners: the host's names must not remap anything.
    tar --numeric-owner --xattrs --acls -C "$rootfs" \
        --exclude=./dev/* --exclude=./proc/* --exclude=./sys/* \
        -cf "$scratch/rootfs.tar" .
    mv "$scratch/rootfs.tar" "$TARBALL"
    rm -rf "$scratch"
    # A tarball of an older recipe would only take space.
    find "$CACHE" -maxdepth 1 -name '*.tar' ! -path "$TARBALL" -delete
    say "cached the root filesystem in $TARBALL"
}

# --- the image -------------------------------------------------------------------------------------

base_is_current() {
    local label
    label=$(shared_buildah inspect --type image \
        --format "{{index .OCIv1.Config.Labels \"$LABEL_KEY\"}}" "${TAGS[0]}" 2>/dev/null) || return 1
    [ "$label" = "$LABEL_VALUE" ] || return 1
    # Every name must point at it: someone may have re-tagged one of them by hand.
    local id tag
    id=$(shared_buildah inspect --type image --format '{{.FromImageID}}' "${TAGS[0]}")
    for tag in "${TAGS[@]}"; do
        [ "$(shared_buildah inspect --type image --format '{{.FromImageID}}' "$tag" 2>/dev/null)" = "$id" ] ||
            return 1
    done
}

# A global, not a local: the EXIT trap runs after import_image has returned.
CTR=""
remove_container() {
    if [ -n "$CTR" ]; then
        shared_buildah rm "$CTR" >/dev/null 2>&1 || true
    fi
}

import_image() {
    local tag
    trap remove_container EXIT
    CTR=$(shared_buildah from scratch)
    # `add` unpacks a local tar archive, keeping the owners and modes it records.
    shared_buildah add "$CTR" "$TARBALL" / >/dev/null
    # The official image's config: its PATH and `bash` as the command.
    shared_buildah config \
        --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        --cmd bash --label "$LABEL_KEY=$LABEL_VALUE" "$CTR"
    # Drop any stale image under our names first, so the names move to the new one.
    for tag in "${TAGS[@]}"; do
        shared_buildah rmi "$tag" >/dev/null 2>&1 || true
    done
    shared_buildah commit --quiet --format docker "$CTR" "${TAGS[0]}" >/dev/null
    for tag in "${TAGS[@]:1}"; do
        shared_buildah tag "${TAGS[0]}" "$tag"
    done
    say "imported ${TAGS[0]} (and ${#TAGS[@]} names in all) into the shared store"
}

main() {
    local check_only=false
    case ${1:-} in
    --check) check_only=true ;;
    "") ;;
    *)
        echo "usage: $0 [--check]" >&2
        exit 2
        ;;
    esac
    check_machine
    $check_only && exit 0
    mkdir -p "$CACHE"
    # Parallel builds all ask for the base; one makes it, the others wait. The subshell holds the
    # lock for as long as it runs.
    (
        flock 9
        if ! base_is_current; then
            [ -s "$TARBALL" ] || make_tarball
            import_image
        fi
    ) 9>"$CACHE/lock"
}

main "$@"
