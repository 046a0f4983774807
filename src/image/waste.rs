//! The waste accounting: the union filesystem replayed layer by layer, one small record per path
//! (never contents), and every file copy that does not reach the final filesystem counted once.
//!
//! Each regular file copy in a layer either survives to the final filesystem or is superseded
//! exactly once, by a later whiteout (deleted), a later copy of other bytes or of another kind
//! (replaced), or a later copy of the same bytes (re-added: `metadata-only` when mode or owner
//! differ, `unchanged` when nothing does). So `total = final + wasted` holds exactly.

use super::layer::{Entry, Kind};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// How many of the largest waste items are kept for the report.
const TOP_ITEMS: usize = 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WasteKind {
    /// A later layer's whiteout removed it.
    Deleted,
    /// A later layer wrote other bytes (or a non-file) at its path.
    Replaced,
    /// A later layer copied the same bytes again with another mode or owner (chmod, chown).
    MetadataOnly,
    /// A later layer copied the same bytes again with the same metadata.
    Unchanged,
}

impl WasteKind {
    /// Which layer pays: the one holding the dead copy, or for a re-added copy the layer that
    /// re-added it (its copy is the avoidable one; the fix belongs on its line).
    fn payer(self, stored_in: usize, by: usize) -> usize {
        match self {
            WasteKind::Deleted | WasteKind::Replaced => stored_in,
            WasteKind::MetadataOnly | WasteKind::Unchanged => by,
        }
    }
}

/// One superseded file copy.
#[derive(Clone, Debug, Serialize)]
pub struct WasteItem {
    pub path: String,
    pub bytes: u64,
    pub kind: WasteKind,
    /// The layer (0-based) whose tar holds the superseded copy.
    pub stored_in: usize,
    /// The layer that deleted, replaced or re-added it.
    pub superseded_by: usize,
    /// The layer charged with it (see [`WasteKind`]).
    pub paid_by: usize,
}

/// What one layer adds, changes and wastes.
#[derive(Clone, Debug, Default, Serialize)]
pub struct LayerTally {
    /// Entries that are not directories and whose path no lower layer had.
    pub added: u64,
    /// Entries that are not directories over a path a lower layer had.
    pub changed: u64,
    /// Whiteouts (an opaque directory counts once).
    pub deleted: u64,
    /// Bytes of regular files in the layer.
    pub file_bytes: u64,
    /// Waste charged to this layer (see [`WasteKind::payer`]).
    pub wasted_bytes: u64,
    /// Bytes of lower layers this layer's whiteouts removed.
    pub deletes_bytes: u64,
    /// Bytes of lower layers this layer overwrote with other content.
    pub replaces_bytes: u64,
    /// Bytes this layer copied again with only the metadata changed.
    pub metadata_only_bytes: u64,
    /// Bytes this layer copied again unchanged.
    pub unchanged_bytes: u64,
    /// Of `replaces_bytes`, what a package manager's bookkeeping files held (its database, logs,
    /// the linker cache: see [`super::bookkeeping`]), which every install rewrites.
    pub bookkeeping_replaced_bytes: u64,
    /// Of `metadata_only_bytes` and `unchanged_bytes`, what such bookkeeping files held.
    pub bookkeeping_copied_bytes: u64,
    /// Bytes of regular files this layer added under each directory (every ancestor), to
    /// measure what a cache directory holds.
    #[serde(skip)]
    pub dir_bytes: HashMap<String, u64>,
    /// Bytes of lower layers this layer's whiteouts removed, under each directory (every
    /// ancestor), to tell a later cleanup of a cache another finding names from other deletions.
    #[serde(skip)]
    pub deleted_dir_bytes: HashMap<String, u64>,
}

/// Adds `bytes` to the count of every directory above `path`.
fn add_to_ancestors(counts: &mut HashMap<String, u64>, path: &str, bytes: u64) {
    let mut ancestor = path;
    while let Some((parent, _)) = ancestor.rsplit_once('/') {
        *counts.entry(parent.to_string()).or_default() += bytes;
        ancestor = parent;
    }
}

#[derive(Clone, Copy, Debug)]
struct Record {
    layer: usize,
    bytes: u64,
    hash: Option<u128>,
    mode: u32,
    uid: u64,
    gid: u64,
}

/// The replay.
#[derive(Default)]
pub struct Tracker {
    paths: BTreeMap<String, Record>,
    pub layers: Vec<LayerTally>,
    top: Vec<WasteItem>,
}

/// The totals once every layer is in.
#[derive(Clone, Debug, Serialize)]
pub struct Totals {
    /// Bytes of regular files over all layers.
    pub total_bytes: u64,
    /// Bytes of regular files in the final filesystem.
    pub final_bytes: u64,
    pub wasted_bytes: u64,
    /// `final_bytes / total_bytes` (1 for an image without file bytes).
    pub efficiency: f64,
    /// `100 × wasted_bytes / total_bytes`.
    pub wasted_percent: f64,
}

impl Tracker {
    pub fn begin_layer(&mut self) {
        self.layers.push(LayerTally::default());
    }

    fn current(&self) -> usize {
        self.layers.len() - 1
    }

    pub fn apply(&mut self, entry: Entry) {
        let layer = self.current();
        let (dir, name) = match entry.path.rsplit_once('/') {
            Some((dir, name)) => (Some(dir), name),
            None => (None, entry.path.as_str()),
        };
        if name == ".wh..wh..opq" {
            self.layers[layer].deleted += 1;
            let prefix = dir.map_or(String::new(), |d| format!("{d}/"));
            self.remove_lower(&prefix, None);
            return;
        }
        if let Some(hidden) = name.strip_prefix(".wh.") {
            self.layers[layer].deleted += 1;
            let path = dir.map_or(hidden.to_string(), |d| format!("{d}/{hidden}"));
            self.remove_lower(&format!("{path}/"), Some(&path));
            return;
        }
        let (bytes, hash) = match &entry.kind {
            Kind::File { size, hash } => (*size, Some(*hash)),
            // A hard link shares its target's bytes: it costs nothing of its own, and it carries
            // the target's hash. One look-up, never a chain, so a loop of links cannot hang.
            Kind::HardLink { target } => (0, self.paths.get(target).and_then(|r| r.hash)),
            _ => (0, None),
        };
        let record = Record {
            layer,
            bytes,
            hash,
            mode: entry.mode,
            uid: entry.uid,
            gid: entry.gid,
        };
        let is_dir = entry.kind == Kind::Dir;
        let tally = &mut self.layers[layer];
        tally.file_bytes += bytes;
        if bytes > 0 {
            add_to_ancestors(&mut tally.dir_bytes, &entry.path, bytes);
        }
        let old = self.paths.insert(entry.path.clone(), record);
        match old {
            Some(old) if !is_dir => {
                if old.layer < layer {
                    self.layers[layer].changed += 1;
                } else {
                    self.layers[layer].added += 1;
                }
                let kind = match (old.hash, hash) {
                    (Some(a), Some(b)) if a == b && old.bytes == bytes => {
                        if (old.mode, old.uid, old.gid) == (entry.mode, entry.uid, entry.gid) {
                            WasteKind::Unchanged
                        } else {
                            WasteKind::MetadataOnly
                        }
                    }
                    _ => WasteKind::Replaced,
                };
                self.waste(entry.path, old, kind, layer);
            }
            Some(old) => self.waste(entry.path, old, WasteKind::Replaced, layer),
            None if !is_dir => self.layers[layer].added += 1,
            None => {}
        }
    }

    /// Removes the lower layers' records at `exact` and under `prefix` (all of them for an empty
    /// prefix), counting their bytes as deleted.
    fn remove_lower(&mut self, prefix: &str, exact: Option<&str>) {
        let layer = self.current();
        let mut gone: Vec<String> = self
            .paths
            .range(prefix.to_string()..)
            .take_while(|(path, _)| path.starts_with(prefix))
            .filter(|(_, record)| record.layer < layer)
            .map(|(path, _)| path.clone())
            .collect();
        if let Some(exact) = exact
            && self.paths.get(exact).is_some_and(|r| r.layer < layer)
        {
            gone.push(exact.to_string());
        }
        for path in gone {
            if let Some(old) = self.paths.remove(&path) {
                self.waste(path, old, WasteKind::Deleted, layer);
            }
        }
    }

    fn waste(&mut self, path: String, old: Record, kind: WasteKind, by: usize) {
        if old.bytes == 0 {
            return;
        }
        let paid_by = kind.payer(old.layer, by);
        self.layers[paid_by].wasted_bytes += old.bytes;
        let tally = &mut self.layers[by];
        match kind {
            WasteKind::Deleted => {
                tally.deletes_bytes += old.bytes;
                add_to_ancestors(&mut tally.deleted_dir_bytes, &path, old.bytes);
            }
            WasteKind::Replaced => tally.replaces_bytes += old.bytes,
            WasteKind::MetadataOnly => tally.metadata_only_bytes += old.bytes,
            WasteKind::Unchanged => tally.unchanged_bytes += old.bytes,
        }
        // A deletion of bookkeeping in a later layer could have run in the installing layer;
        // a rewrite by the next install could not be avoided.
        if super::bookkeeping::is_bookkeeping(&path) {
            match kind {
                WasteKind::Deleted => {}
                WasteKind::Replaced => tally.bookkeeping_replaced_bytes += old.bytes,
                WasteKind::MetadataOnly | WasteKind::Unchanged => {
                    tally.bookkeeping_copied_bytes += old.bytes
                }
            }
        }
        self.top.push(WasteItem {
            path,
            bytes: old.bytes,
            kind,
            stored_in: old.layer,
            superseded_by: by,
            paid_by,
        });
        if self.top.len() >= TOP_ITEMS * 4 {
            self.trim_top();
        }
    }

    fn trim_top(&mut self) {
        self.top
            .sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.path.cmp(&b.path)));
        self.top.truncate(TOP_ITEMS);
    }

    /// The largest waste items, largest first, and the totals.
    pub fn finish(mut self) -> (Vec<LayerTally>, Vec<WasteItem>, Totals) {
        self.trim_top();
        let total_bytes: u64 = self.layers.iter().map(|l| l.file_bytes).sum();
        let final_bytes: u64 = self.paths.values().map(|r| r.bytes).sum();
        let wasted_bytes: u64 = self.layers.iter().map(|l| l.wasted_bytes).sum();
        debug_assert_eq!(total_bytes, final_bytes + wasted_bytes);
        let ratio = |part: u64| {
            if total_bytes == 0 {
                0.0
            } else {
                part as f64 / total_bytes as f64
            }
        };
        let totals = Totals {
            total_bytes,
            final_bytes,
            wasted_bytes,
            efficiency: if total_bytes == 0 {
                1.0
            } else {
                ratio(final_bytes)
            },
            wasted_percent: 100.0 * ratio(wasted_bytes),
        };
        (self.layers, self.top, totals)
    }
}
