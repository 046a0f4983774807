#!/usr/bin/env bash
# `layerlint image` on a ~1 GB image archive: peak memory (max RSS, /usr/bin/time -v) and time,
# beside GNU tar reading the same archive in the same session:
#   - `tar -t` of the archive: lists its members, seeking over their bodies (reads almost nothing);
#   - `tar -t` of every layer (`tar -xOf ARCHIVE LAYER | tar -t`): reads every byte, as
#     layerlint must to hash the files.
# The archive (docker-archive, uncompressed layers, then the same with gzip layers) is generated
# with incompressible random files in four layers, the third deleting the first's files, in a
# temporary directory removed at the end. Times are the best of RUNS runs, wall clock.
#
#   benches/image.sh [RUNS] [MB_PER_LAYER]     (defaults: 3 runs, 350 MB a layer: a 1.05 GB archive)
#   LAYERLINT=BINARY benches/image.sh           (measures that binary instead of building one)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
per_layer=${2:-350}
if [ -z "${LAYERLINT:-}" ]; then
    cargo build --release -q --bin layerlint
fi
layerlint=${LAYERLINT:-$PWD/target/release/layerlint}
work=$(mktemp -d "${TMPDIR:-/tmp}/layerlint-image-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --- the archive ---------------------------------------------------------------------------------
make_layer() { # DIR NAME: fills DIR/NAME/ with 10 MB random files, PER_LAYER MB in all
    local dir=$1/$2 i
    mkdir -p "$dir/data/$2"
    for ((i = 0; i < per_layer / 10; i++)); do
        head -c $((10 * 1000 * 1000)) /dev/urandom >"$dir/data/$2/f$i"
    done
}
build_archive() { # COMPRESS(none|gzip) OUT
    local compress=$1 out=$2 root=$work/root layers=() i name
    rm -rf "$root" && mkdir -p "$root"
    make_layer "$work/src" one
    make_layer "$work/src" two
    make_layer "$work/src" four
    mkdir -p "$work/src/three/data" && : >"$work/src/three/data/.wh.one"
    for name in one two three four; do
        tar -C "$work/src/$name" -cf "$root/$name.tar" .
        if [ "$compress" = gzip ]; then
            gzip -1 "$root/$name.tar" && mv "$root/$name.tar.gz" "$root/$name.tar"
        fi
        layers+=("\"$name.tar\"")
    done
    rm -rf "$work/src"
    printf '{"history":[{"created_by":"one"},{"created_by":"two"},{"created_by":"three"},{"created_by":"four"}]}' >"$root/config.json"
    printf '[{"Config":"config.json","Layers":[%s]}]' "$(IFS=,; echo "${layers[*]}")" >"$root/manifest.json"
    tar -C "$root" -cf "$out" manifest.json config.json one.tar two.tar three.tar four.tar
    rm -rf "$root"
}

# --- the runs ------------------------------------------------------------------------------------
best() { # LABEL COMMAND...: best wall time and its max RSS over $runs runs
    local label=$1 t rss best_t="" best_rss=""
    shift
    for ((r = 0; r < runs; r++)); do
        /usr/bin/time -v -o "$work/time" "$@" >/dev/null 2>&1 || { echo "$label failed" >&2; cat "$work/time" >&2; exit 1; }
        t=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$work/time")
        rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time")
        if [ -z "$best_t" ] || awk -v a="$t" -v b="$best_t" 'BEGIN {exit !(a < b)}'; then
            best_t=$t best_rss=$rss
        fi
    done
    printf '%-34s %8.2f s %9.1f MB max RSS\n' "$label" "$best_t" "$(awk -v k="$best_rss" 'BEGIN {print k / 1024}')"
    last=$best_t
}
all_layers() { # ARCHIVE [-z]: tar -t of every layer
    local layer
    for layer in one two three four; do
        tar -xOf "$1" "$layer.tar" | tar -t ${2:-} -f - >/dev/null
    done
}
export -f all_layers

for compress in none gzip; do
    archive=$work/image-$compress.tar
    build_archive "$compress" "$archive"
    echo "== $compress layers: $(du -m "$archive" | cut -f1) MB archive"
    best "tar -t (archive)" tar -tf "$archive"
    z=""
    [ "$compress" = gzip ] && z=-z
    best "tar -t (every layer)" bash -c "all_layers $archive $z"
    tar_time=$last
    best "layerlint image" "$layerlint" image "$archive"
    awk -v l="$last" -v t="$tar_time" \
        'BEGIN {printf "layerlint / tar -t of every layer: %.2fx\n", l / t}'
    "$layerlint" image "$archive" | grep -E "wasted \(" || true
    rm -f "$archive"
done
