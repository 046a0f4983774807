//! Images built in memory with the `tar` crate, read back through the whole pipeline: the waste
//! kinds, whiteouts, the archive layouts and compressions, and hostile input.

use super::waste::WasteKind;
use super::{ImageError, Limits, read};
use std::io::Write;

/// One entry of a layer to build.
enum Item<'a> {
    File(&'a str, &'a [u8], u32),
    Dir(&'a str),
    Link(&'a str, &'a str),
}

fn layer_tar(items: &[Item<'_>]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for item in items {
        let mut header = tar::Header::new_gnu();
        match item {
            Item::File(path, bytes, mode) => {
                header.set_size(bytes.len() as u64);
                header.set_mode(*mode);
                header.set_entry_type(tar::EntryType::Regular);
                header.set_cksum();
                builder.append_data(&mut header, path, *bytes).unwrap();
            }
            Item::Dir(path) => {
                header.set_size(0);
                header.set_mode(0o755);
                header.set_entry_type(tar::EntryType::Directory);
                header.set_cksum();
                builder.append_data(&mut header, path, &[][..]).unwrap();
            }
            Item::Link(path, target) => {
                header.set_size(0);
                header.set_entry_type(tar::EntryType::Link);
                builder.append_link(&mut header, path, target).unwrap();
            }
        }
    }
    builder.into_inner().unwrap()
}

/// Writes raw names into a header, past the checks `tar::Builder` makes on paths (which would
/// refuse the hostile ones this test needs).
fn raw_entry(name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut header = tar::Header::new_old();
    header.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
    header.set_size(bytes.len() as u64);
    header.set_mode(0o644);
    header.set_entry_type(tar::EntryType::Regular);
    header.set_cksum();
    let mut out = header.as_bytes().to_vec();
    out.extend_from_slice(bytes);
    out.resize(out.len().div_ceil(512) * 512, 0);
    out.extend_from_slice(&[0u8; 1024]);
    out
}

/// A docker-archive with these layer blobs, in a temporary file.
fn docker_archive(layers: &[Vec<u8>]) -> tempfile::NamedTempFile {
    let names: Vec<String> = (0..layers.len())
        .map(|i| format!("l{i}/layer.tar"))
        .collect();
    let history: Vec<String> = (0..layers.len())
        .map(|i| format!(r#"{{"created_by":"/bin/sh -c step {i}"}}"#))
        .collect();
    let config = format!(
        r#"{{"history":[{{"created_by":"ENV A=1","empty_layer":true}},{}]}}"#,
        history.join(",")
    );
    let manifest = serde_json::json!([{"Config": "config.json", "Layers": names}]).to_string();
    let mut outer = tar::Builder::new(Vec::new());
    let mut add = |name: &str, bytes: &[u8]| {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        outer.append_data(&mut header, name, bytes).unwrap();
    };
    add("manifest.json", manifest.as_bytes());
    add("config.json", config.as_bytes());
    for (name, bytes) in names.iter().zip(layers) {
        add(name, bytes);
    }
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(&outer.into_inner().unwrap()).unwrap();
    file
}

fn measure(layers: &[Vec<u8>]) -> Result<super::Image, ImageError> {
    read(docker_archive(layers).path(), Limits::default())
}

#[test]
fn a_whiteout_wastes_the_bytes_of_the_file_it_hides() {
    let image = measure(&[
        layer_tar(&[Item::Dir("a"), Item::File("a/big", &[7; 1000], 0o644)]),
        layer_tar(&[Item::File("a/.wh.big", b"", 0o644)]),
    ])
    .unwrap();
    assert_eq!(image.totals.total_bytes, 1000);
    assert_eq!(image.totals.final_bytes, 0);
    assert_eq!(image.totals.wasted_bytes, 1000);
    assert_eq!(image.layers[0].tally.wasted_bytes, 1000);
    assert_eq!(image.layers[1].tally.deletes_bytes, 1000);
    assert_eq!(image.layers[1].tally.deleted, 1);
    assert_eq!(image.largest_waste[0].kind, WasteKind::Deleted);
    // History pairs with layers once the empty ENV entry is skipped.
    assert_eq!(
        image.layers[1].created_by.as_deref(),
        Some("/bin/sh -c step 1")
    );
}

#[test]
fn an_opaque_directory_hides_only_the_lower_layers() {
    let image = measure(&[
        layer_tar(&[
            Item::File("d/x", &[1; 500], 0o644),
            Item::File("d/sub/y", &[2; 300], 0o644),
            Item::File("e/keep", &[3; 50], 0o644),
        ]),
        // The marker after a file of its own layer must not hide that file.
        layer_tar(&[
            Item::File("d/z", &[4; 100], 0o644),
            Item::File("d/.wh..wh..opq", b"", 0o644),
        ]),
    ])
    .unwrap();
    assert_eq!(image.totals.wasted_bytes, 800);
    assert_eq!(image.totals.final_bytes, 150);
    assert_eq!(image.layers[1].tally.deletes_bytes, 800);
}

#[test]
fn same_bytes_with_a_new_mode_is_metadata_only_waste_charged_to_the_copy() {
    let content = [9u8; 4096];
    let image = measure(&[
        layer_tar(&[
            Item::File("app/run", &content, 0o644),
            Item::File("app/conf", b"old", 0o644),
        ]),
        layer_tar(&[
            Item::File("app/run", &content, 0o755),
            Item::File("app/conf", b"new!", 0o644),
        ]),
        layer_tar(&[Item::File("app/run", &content, 0o755)]),
    ])
    .unwrap();
    let t = &image.layers;
    assert_eq!(t[1].tally.metadata_only_bytes, 4096);
    assert_eq!(t[1].tally.replaces_bytes, 3);
    assert_eq!(t[2].tally.unchanged_bytes, 4096);
    // Replaced bytes are charged to the layer holding them; re-added ones to the re-adder.
    assert_eq!(t[0].tally.wasted_bytes, 3);
    assert_eq!(t[1].tally.wasted_bytes, 4096);
    assert_eq!(t[2].tally.wasted_bytes, 4096);
    assert_eq!(image.totals.final_bytes, 4096 + 4);
    assert_eq!(
        image.totals.total_bytes,
        image.totals.final_bytes + image.totals.wasted_bytes
    );
    assert_eq!(t[1].tally.changed, 2);
}

#[test]
fn hard_links_cost_nothing_and_loops_cannot_hang() {
    let image = measure(&[layer_tar(&[
        Item::File("bin/busybox", &[5; 2000], 0o755),
        Item::Link("bin/sh", "bin/busybox"),
        Item::Link("x/a", "x/b"),
        Item::Link("x/b", "x/a"),
    ])])
    .unwrap();
    assert_eq!(image.totals.total_bytes, 2000);
    assert_eq!(image.layers[0].tally.added, 4);
}

#[test]
fn gzip_and_zstd_layers_in_an_oci_layout_directory() {
    use flate2::write::GzEncoder;
    let plain = layer_tar(&[Item::File("f", &[1; 10_000], 0o644)]);
    let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&plain).unwrap();
    let gz = gz.finish().unwrap();
    let zst = zstd::encode_all(&layer_tar(&[Item::File("f", &[2; 10_000], 0o644)])[..], 3).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let blobs = dir.path().join("blobs/sha256");
    std::fs::create_dir_all(&blobs).unwrap();
    let put = |hex: &str, bytes: &[u8]| std::fs::write(blobs.join(hex), bytes).unwrap();
    put("aa", &gz);
    put("bb", &zst);
    put(
        "cc",
        br#"{"history":[{"created_by":"one"},{"created_by":"two"}]}"#,
    );
    put(
        "dd",
        br#"{"config":{"digest":"sha256:cc"},"layers":[{"digest":"sha256:aa"},{"digest":"sha256:bb"}]}"#,
    );
    std::fs::write(
        dir.path().join("index.json"),
        br#"{"manifests":[{"digest":"sha256:dd"}]}"#,
    )
    .unwrap();
    let image = read(dir.path(), Limits::default()).unwrap();
    assert_eq!(image.format, "oci-layout");
    assert_eq!(image.layers[0].compression, "gzip");
    assert_eq!(image.layers[1].compression, "zstd");
    assert_eq!(image.layers[0].stored_bytes, gz.len() as u64);
    assert_eq!(image.layers[0].tar_bytes, plain.len() as u64);
    assert_eq!(image.totals.wasted_bytes, 10_000);
    assert_eq!(image.largest_waste[0].kind, WasteKind::Replaced);
}

#[test]
fn absolute_and_parent_paths_are_refused() {
    for name in ["/etc/passwd", "a/../../etc/passwd"] {
        let err = measure(&[raw_entry(name, b"x")]).unwrap_err();
        assert!(matches!(err, ImageError::Hostile { .. }), "{name}: {err}");
    }
    let escape = layer_tar(&[Item::Link("a", "../../etc/shadow")]);
    assert!(matches!(
        measure(&[escape]).unwrap_err(),
        ImageError::Hostile { .. }
    ));
}

#[test]
fn a_gzip_bomb_stops_at_the_cap() {
    use flate2::write::GzEncoder;
    // 64 MB of zeros in one file: about 64 kB compressed.
    let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::best());
    let mut header = tar::Header::new_gnu();
    header.set_size(64 << 20);
    header.set_mode(0o644);
    header.set_path("bomb").unwrap();
    header.set_cksum();
    gz.write_all(header.as_bytes()).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..64 {
        gz.write_all(&zeros).unwrap();
    }
    let bomb = gz.finish().unwrap();
    assert!(bomb.len() < 1 << 20);
    let limits = Limits {
        max_layer_bytes: Some(8 << 20),
    };
    let err = read(docker_archive(&[bomb]).path(), limits).unwrap_err();
    assert!(matches!(err, ImageError::Limit { .. }), "{err}");
    assert!(err.to_string().contains("decompressed"), "{err}");
}

#[test]
fn truncated_layers_and_archives_are_errors() {
    let mut cut = layer_tar(&[Item::File("f", &[1; 5000], 0o644)]);
    cut.truncate(2048);
    let err = measure(&[cut]).unwrap_err();
    assert!(matches!(err, ImageError::Io { .. }), "{err}");
    assert!(err.to_string().contains("truncated"), "{err}");

    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(b"not a tar at all").unwrap();
    assert!(read(file.path(), Limits::default()).is_err());
}

#[test]
fn the_default_cap_scales_with_the_stored_size() {
    let limits = Limits::default();
    assert_eq!(limits.cap_for(1000), super::EXPANSION_FLOOR);
    assert_eq!(limits.cap_for(1 << 30), 100 << 30);
}

#[test]
fn a_layer_stored_once_and_linked_is_read_under_both_names() {
    let layer = layer_tar(&[Item::File("f", &[1; 700], 0o644)]);
    let manifest = r#"[{"Config":"c.json","Layers":["a/layer.tar","b/layer.tar"]}]"#;
    let mut outer = tar::Builder::new(Vec::new());
    for (name, bytes) in [
        ("manifest.json", manifest.as_bytes()),
        ("c.json", b"{}".as_slice()),
        ("a/layer.tar", &layer),
    ] {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_cksum();
        outer.append_data(&mut header, name, bytes).unwrap();
    }
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(tar::EntryType::Symlink);
    header.set_size(0);
    header.set_mode(0o777);
    outer
        .append_link(&mut header, "b/layer.tar", "../a/layer.tar")
        .unwrap();
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(&outer.into_inner().unwrap()).unwrap();
    let image = read(file.path(), Limits::default()).unwrap();
    assert_eq!(image.layers.len(), 2);
    // The same file written twice with the same metadata: one unchanged copy.
    assert_eq!(image.layers[1].tally.unchanged_bytes, 700);
    assert_eq!(image.totals.wasted_bytes, 700);
}

#[test]
fn a_huge_sparse_file_stops_at_the_cap() {
    // A GNU sparse entry: 512 stored bytes at offset 0 of a 4 GiB file, the rest a hole that the
    // reader expands to zeros. 1.5 kB of archive.
    let octal = |n: u64| {
        let mut field = [0u8; 12];
        field[..11].copy_from_slice(format!("{n:011o}").as_bytes());
        field
    };
    let mut header = tar::Header::new_gnu();
    header.set_path("huge").unwrap();
    header.set_entry_type(tar::EntryType::GNUSparse);
    header.set_size(512);
    header.set_mode(0o644);
    let gnu = header.as_gnu_mut().unwrap();
    gnu.sparse[0].offset = octal(0);
    gnu.sparse[0].numbytes = octal(512);
    // The hole runs to the end: the map closes with an empty chunk there, as GNU tar writes it.
    gnu.sparse[1].offset = octal(4 << 30);
    gnu.sparse[1].numbytes = octal(0);
    gnu.realsize = octal(4 << 30);
    header.set_cksum();
    let mut layer = header.as_bytes().to_vec();
    layer.extend_from_slice(&[1u8; 512]);
    layer.extend_from_slice(&[0u8; 1024]);
    let limits = Limits {
        max_layer_bytes: Some(8 << 20),
    };
    let err = read(docker_archive(&[layer]).path(), limits).unwrap_err();
    assert!(matches!(err, ImageError::Limit { .. }), "{err}");
}

#[test]
fn a_symbolic_link_out_of_the_root_is_only_text() {
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(tar::EntryType::Symlink);
    header.set_size(0);
    header.set_mode(0o777);
    let mut builder = tar::Builder::new(Vec::new());
    builder
        .append_link(&mut header, "etc/escape", "../../../../etc/shadow")
        .unwrap();
    let image = measure(&[builder.into_inner().unwrap()]).unwrap();
    assert_eq!(image.layers[0].tally.added, 1);
    assert_eq!(image.totals.total_bytes, 0);
}

/// The apt lists an update leaves and a later RUN deletes are DL3009's waste (its finding on the
/// update's line names the late cleanup), not a miss on the cleanup's line; dpkg's status file,
/// rewritten by the install, is unavoidable; a deletion of the base's own file is still missed.
#[test]
fn a_late_cache_cleanup_is_credited_and_bookkeeping_is_unavoidable() {
    let image = measure(&[
        layer_tar(&[
            Item::File("var/lib/dpkg/status", &[1; 100], 0o644),
            Item::File("opt/old", &[2; 300], 0o644),
        ]),
        layer_tar(&[
            Item::File("var/lib/apt/lists/index", &[3; 5000], 0o644),
            Item::File("var/lib/dpkg/status", &[4; 150], 0o644),
            Item::File("usr/bin/curl", &[5; 700], 0o755),
        ]),
        layer_tar(&[
            Item::File("var/lib/apt/lists/.wh.index", b"", 0o644),
            Item::File("opt/.wh.old", b"", 0o644),
        ]),
    ])
    .unwrap();
    let source = "FROM debian:bookworm\n\
                  RUN apt-get update && apt-get install -y curl\n\
                  RUN rm -rf /var/lib/apt/lists/* /opt/old\n";
    let plan = crate::advisor::plan_source(source, &crate::LintOptions::default(), None, None)
        .expect("a plan");
    let a = super::attribute::attribute(&image, &plan);
    let lines = |list: &[super::attribute::Missed]| -> Vec<(usize, u64)> {
        list.iter().map(|m| (m.line, m.bytes)).collect()
    };
    let costs: Vec<(&str, usize, u64)> = a
        .costs
        .iter()
        .map(|c| (c.code.as_str(), c.line, c.bytes))
        .collect();
    assert!(costs.contains(&("DL3009", 2, 5000)), "{costs:?}");
    assert_eq!(lines(&a.missed), [(3, 300)], "{:?}", a.missed);
    assert_eq!(lines(&a.unavoidable), [(2, 100)], "{:?}", a.unavoidable);
}
