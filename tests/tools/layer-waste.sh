#!/usr/bin/env bash
# The waste of a docker-archive, computed apart from layerlint: GNU tar lists each layer, and awk
# replays the listings (a later regular file or whiteout supersedes every earlier copy of a path;
# an opaque marker supersedes what lower layers put under its directory). Counts only regular
# files' sizes, as `layerlint image` does.
#
# usage: layer-waste.sh ARCHIVE              prints: total N, final N, wasted N (one a line)
#        layer-waste.sh ARCHIVE INDEX DIR    prints the bytes of regular files under DIR (relative,
#                                            e.g. var/lib/apt/lists) in layer INDEX (0 = bottom)
set -euo pipefail
archive=$1
layers=$(tar -xOf "$archive" manifest.json | python3 -c 'import json,sys; print("\n".join(json.load(sys.stdin)[0]["Layers"]))')
if [ $# -eq 3 ]; then
    layer=$(sed -n "$(($2 + 1))p" <<<"$layers")
    tar -xOf "$archive" "$layer" | tar -tvf - | awk -v dir="$3/" '
        { path = $6; sub(/^\.\//, "", path) }
        substr($1, 1, 1) == "-" && index(path, dir) == 1 { sum += $3 }
        END { printf "%d\n", sum }'
    exit 0
fi
index=0
while IFS= read -r layer; do
    # One line per entry: the layer's index, the type letter, the size, the path.
    tar -xOf "$archive" "$layer" | tar -tvf - | awk -v layer="$index" '{
        path = $6; for (i = 7; i <= NF; i++) { if ($i == "->" || $i == "link") break; path = path " " $i }
        sub(/^\.\//, "", path); sub(/\/$/, "", path)
        print layer "\t" substr($1, 1, 1) "\t" $3 "\t" path
    }'
    index=$((index + 1))
done <<<"$layers" | awk -F'\t' '
    function drop(prefix, exact, layer,   p) {
        for (p in size) if (owner[p] < layer && (p == exact || index(p, prefix) == 1)) delete size[p]
    }
    {
        layer = $1; type = $2; bytes = $3; path = $4
        n = split(path, parts, "/"); name = parts[n]; dir = substr(path, 1, length(path) - length(name))
        if (name == ".wh..wh..opq") { drop(dir, "", layer); next }
        if (substr(name, 1, 4) == ".wh.") { hidden = dir substr(name, 5); drop(hidden "/", hidden, layer); next }
        if (type == "-") { total += bytes; size[path] = bytes; owner[path] = layer }
        else if (type != "d") { size[path] = 0; owner[path] = layer }
    }
    END { for (p in size) final += size[p]; printf "total %d\nfinal %d\nwasted %d\n", total, final, total - final }'
