//! `layerlint image`: what a built image really holds, read from its archive.
//!
//! archive (where the blobs are) → manifest (which blobs, which history) → layer (each blob as a
//! stream of entries) → waste (the union filesystem replayed, waste counted) → [`Image`]; then
//! attribute (layers matched to the Dockerfile's instructions and `check`'s findings) and render.
//! Nothing is extracted and nothing is written: per path only its size, mode, owner and a hash.

pub mod archive;
pub mod attribute;
pub mod bookkeeping;
pub mod error;
pub mod gate;
pub mod layer;
pub mod manifest;
pub mod render;
pub mod waste;

pub use error::ImageError;

use serde::Serialize;
use std::path::Path;
use waste::{LayerTally, Totals, Tracker, WasteItem};

/// The decompressed bytes a layer may expand to, as a multiple of its stored size …
pub const EXPANSION_RATIO: u64 = 100;
/// … but never less than this, so that small, very compressible layers still read.
pub const EXPANSION_FLOOR: u64 = 1 << 30;

#[derive(Clone, Copy, Debug, Default)]
pub struct Limits {
    /// Overrides the per-layer cap on decompressed bytes (see [`EXPANSION_RATIO`]).
    pub max_layer_bytes: Option<u64>,
}

impl Limits {
    pub fn cap_for(&self, stored: u64) -> u64 {
        self.max_layer_bytes
            .unwrap_or_else(|| stored.saturating_mul(EXPANSION_RATIO).max(EXPANSION_FLOOR))
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Image {
    /// `docker-archive` or `oci-layout`.
    pub format: &'static str,
    pub layers: Vec<Layer>,
    /// The largest waste items, largest first (at most 20).
    pub largest_waste: Vec<WasteItem>,
    pub totals: Totals,
}

#[derive(Clone, Debug, Serialize)]
pub struct Layer {
    /// 0-based, bottom first.
    pub index: usize,
    /// The blob's name in the archive.
    pub blob: String,
    pub compression: &'static str,
    /// The blob as stored.
    pub stored_bytes: u64,
    /// The tar stream after decompression.
    pub tar_bytes: u64,
    /// The history entry that made it, when the config has one for it.
    pub created_by: Option<String>,
    #[serde(flatten)]
    pub tally: LayerTally,
}

/// Reads the image archive (tar or OCI layout directory) at `path`.
pub fn read(path: &Path, limits: Limits) -> Result<Image, ImageError> {
    let archive = archive::Archive::open(path)?;
    let layout = manifest::read(&archive)?;
    // Empty-layer entries (ENV, CMD …) made no blob; the others pair with the blobs in order.
    let mut history = layout
        .history
        .iter()
        .filter(|h| !h.empty_layer)
        .map(|h| h.created_by.clone());
    let mut tracker = Tracker::default();
    let mut layers = Vec::with_capacity(layout.layers.len());
    for (index, blob) in layout.layers.iter().enumerate() {
        let (reader, stored) = archive.open_member(blob)?;
        tracker.begin_layer();
        let (compression, sizes) =
            layer::scan(blob, reader, stored, limits.cap_for(stored), |e| {
                tracker.apply(e);
                Ok(())
            })?;
        layers.push((
            index,
            blob.clone(),
            compression,
            sizes,
            history.next().flatten(),
        ));
    }
    let (tallies, largest_waste, totals) = tracker.finish();
    let layers = layers
        .into_iter()
        .zip(tallies)
        .map(
            |((index, blob, compression, sizes, created_by), tally)| Layer {
                index,
                blob,
                compression: compression.name(),
                stored_bytes: sizes.stored,
                tar_bytes: sizes.tar,
                created_by,
                tally,
            },
        )
        .collect();
    Ok(Image {
        format: layout.format,
        layers,
        largest_waste,
        totals,
    })
}

#[cfg(test)]
mod tests;
