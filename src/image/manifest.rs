//! Which blobs make an image, in order, and its config: from `manifest.json` (docker-archive) or
//! `index.json` and the manifests it points at (OCI image layout).

use super::archive::Archive;
use super::error::ImageError;
use serde::Deserialize;

/// How deep an OCI index may nest (an index of a multi-platform index …) before it is refused.
const MAX_INDEX_DEPTH: usize = 4;

/// An image's parts as the archive names them.
pub struct Layout {
    /// `docker-archive` or `oci-layout`.
    pub format: &'static str,
    /// Member names of the layer blobs, bottom first.
    pub layers: Vec<String>,
    pub history: Vec<HistoryEntry>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct HistoryEntry {
    #[serde(default)]
    pub created_by: Option<String>,
    #[serde(default)]
    pub empty_layer: bool,
}

#[derive(Deserialize)]
struct ImageConfig {
    #[serde(default)]
    history: Vec<HistoryEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DockerManifest {
    config: String,
    layers: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    #[serde(default)]
    media_type: String,
    digest: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OciDocument {
    #[serde(default)]
    media_type: String,
    #[serde(default)]
    manifests: Vec<Descriptor>,
    config: Option<Descriptor>,
    #[serde(default)]
    layers: Vec<Descriptor>,
}

pub fn read(archive: &Archive) -> Result<Layout, ImageError> {
    if archive.has("manifest.json") {
        let manifests: Vec<DockerManifest> = parse(archive, "manifest.json")?;
        let Some(first) = manifests.into_iter().next() else {
            return Err(ImageError::Layout("manifest.json lists no image".into()));
        };
        let config: ImageConfig = parse(archive, &first.config)?;
        return Ok(Layout {
            format: "docker-archive",
            layers: first.layers,
            history: config.history,
        });
    }
    if archive.has("index.json") {
        let mut document: OciDocument = parse(archive, "index.json")?;
        for _ in 0..MAX_INDEX_DEPTH {
            if let Some(config) = &document.config {
                let config: ImageConfig = parse(archive, &blob_name(&config.digest)?)?;
                let layers = document
                    .layers
                    .iter()
                    .map(|layer| blob_name(&layer.digest))
                    .collect::<Result<_, _>>()?;
                return Ok(Layout {
                    format: "oci-layout",
                    layers,
                    history: config.history,
                });
            }
            // An index: the first image manifest it lists (an attestation or signature manifest
            // has no layers worth reading, and comes after the image in every builder's output).
            let next = document
                .manifests
                .iter()
                .find(|m| !m.media_type.contains("attestation"))
                .ok_or_else(|| {
                    ImageError::Layout(format!(
                        "an OCI index ({}) that lists no image manifest",
                        document.media_type
                    ))
                })?;
            document = parse(archive, &blob_name(&next.digest)?)?;
        }
        return Err(ImageError::Limit {
            what: "OCI indexes nested in indexes".into(),
            limit: MAX_INDEX_DEPTH.to_string(),
        });
    }
    Err(ImageError::Layout(
        "no manifest.json (docker-archive) or index.json (OCI layout): not an image archive".into(),
    ))
}

/// `sha256:HEX` → `blobs/sha256/HEX`, refusing anything but an algorithm name and hex digits, so
/// a digest can never name a path outside `blobs/`.
fn blob_name(digest: &str) -> Result<String, ImageError> {
    let (algorithm, hex) = digest.split_once(':').unwrap_or(("", ""));
    let algorithm_ok = !algorithm.is_empty()
        && algorithm
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    let hex_ok = !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    if algorithm_ok && hex_ok {
        Ok(format!("blobs/{algorithm}/{hex}"))
    } else {
        Err(ImageError::Layout(format!("not a digest: {digest:?}")))
    }
}

fn parse<T: for<'de> Deserialize<'de>>(archive: &Archive, name: &str) -> Result<T, ImageError> {
    let bytes = archive.read_small(name)?;
    serde_json::from_slice(&bytes).map_err(|source| ImageError::Json {
        what: name.to_string(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_become_blob_names_only_when_well_formed() {
        assert_eq!(blob_name("sha256:abc123").unwrap(), "blobs/sha256/abc123");
        assert!(blob_name("sha256:../../etc").is_err());
        assert!(blob_name("../x:abc").is_err());
        assert!(blob_name("abc").is_err());
    }
}
