//! One layer blob read as a stream: its compression found from its first bytes (gzip, zstd or a
//! plain tar), every entry's metadata and content hash, and nothing kept of the contents.
//!
//! Bounded: decompressed bytes (the tar stream and, for sparse files, the expanded contents both
//! count) stop at a cap, and entries at another, so a gzip bomb, a huge sparse file or a tar of
//! millions of empty files ends in a clear error instead of a hang.

use super::error::{ImageError, io};
use std::io::{self, BufRead, BufReader, Read};
use xxhash_rust::xxh3::Xxh3;

/// The most entries one layer may hold (a full Debian with docs is ~30,000).
pub const MAX_ENTRIES: usize = 2_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    Gzip,
    Zstd,
    None,
}

impl Compression {
    pub fn name(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
            Compression::None => "none",
        }
    }
}

/// What an entry is, with what the waste accounting needs of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A regular file: its size and a 128-bit hash of its bytes.
    File {
        size: u64,
        hash: u128,
    },
    /// A hard link to another path of the same layer (no bytes of its own in the tar).
    HardLink {
        target: String,
    },
    Symlink,
    Dir,
    /// A device, fifo or anything else without content.
    Other,
}

#[derive(Clone, Debug)]
pub struct Entry {
    /// Normalised: relative, no `./` prefix, no trailing `/`.
    pub path: String,
    pub kind: Kind,
    pub mode: u32,
    pub uid: u64,
    pub gid: u64,
}

/// The sizes of one layer blob.
#[derive(Clone, Copy, Debug, Default)]
pub struct Sizes {
    /// As stored in the archive.
    pub stored: u64,
    /// The tar stream after decompression.
    pub tar: u64,
}

/// Reads one layer blob, handing each entry to `on_entry`. `cap` bounds the decompressed bytes.
pub fn scan(
    name: &str,
    blob: impl Read + 'static,
    stored: u64,
    cap: u64,
    mut on_entry: impl FnMut(Entry) -> Result<(), ImageError>,
) -> Result<(Compression, Sizes), ImageError> {
    let mut buffered = BufReader::with_capacity(1 << 16, blob);
    let head = buffered.fill_buf().map_err(io(name))?;
    let compression = if head.starts_with(&[0x1f, 0x8b]) {
        Compression::Gzip
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Compression::Zstd
    } else {
        Compression::None
    };
    let budget = Budget::new(cap);
    let stream: Box<dyn Read> = match compression {
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(buffered)),
        Compression::Zstd => {
            Box::new(zstd::stream::read::Decoder::with_buffer(buffered).map_err(io(name))?)
        }
        Compression::None => Box::new(buffered),
    };
    let counted = Counted {
        inner: stream,
        budget: budget.clone(),
    };
    let mut archive = tar::Archive::new(counted);
    let limit_error = |what: &str| ImageError::Limit {
        what: format!("{name}: {what}"),
        limit: format!("{cap} decompressed bytes (see --max-layer-bytes)"),
    };
    let read_error = |err: io::Error| {
        if budget.exceeded() {
            limit_error("decompressed size")
        } else {
            ImageError::Io {
                what: format!("{name}: a damaged or truncated layer"),
                source: err,
            }
        }
    };
    let mut count = 0usize;
    for entry in archive.entries().map_err(read_error)? {
        let entry = entry.map_err(read_error)?;
        count += 1;
        if count > MAX_ENTRIES {
            return Err(ImageError::Limit {
                what: format!("{name}: entries"),
                limit: MAX_ENTRIES.to_string(),
            });
        }
        let entry = describe(name, entry, &budget).map_err(|err| match err {
            Described::Io(err) => read_error(err),
            Described::Refused(err) => err,
        })?;
        if let Some(entry) = entry {
            on_entry(entry)?;
        }
    }
    // What follows the end-of-archive blocks still counts toward the tar size.
    let mut rest = archive.into_inner();
    io::copy(&mut rest, &mut io::sink()).map_err(read_error)?;
    Ok((
        compression,
        Sizes {
            stored,
            tar: rest.budget.stream_bytes(),
        },
    ))
}

enum Described {
    Io(io::Error),
    Refused(ImageError),
}

fn describe<R: Read>(
    layer: &str,
    mut entry: tar::Entry<'_, R>,
    budget: &Budget,
) -> Result<Option<Entry>, Described> {
    let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
    let header = entry.header();
    let mode = header.mode().unwrap_or(0) & 0o7777;
    let uid = header.uid().unwrap_or(0);
    let gid = header.gid().unwrap_or(0);
    let kind_byte = header.entry_type();
    let refuse = |path: &str, reason| {
        Described::Refused(ImageError::Hostile {
            layer: layer.to_string(),
            path: path.to_string(),
            reason,
        })
    };
    let Some(path) = normalise(&raw).map_err(|reason| refuse(&raw, reason))? else {
        return Ok(None); // the root itself
    };
    let kind = match kind_byte {
        tar::EntryType::Regular | tar::EntryType::Continuous | tar::EntryType::GNUSparse => {
            let size = entry.size();
            let hash = hash_contents(&mut entry, budget).map_err(Described::Io)?;
            // A sparse entry's header size is what is stored, not what it expands to.
            let sparse = kind_byte == tar::EntryType::GNUSparse;
            if hash.1 != size && !sparse {
                return Err(Described::Io(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("{path}: {} of its {size} bytes are there", hash.1),
                )));
            }
            Kind::File {
                size: hash.1,
                hash: hash.0,
            }
        }
        tar::EntryType::Link => {
            let target = entry
                .link_name_bytes()
                .map(|t| String::from_utf8_lossy(&t).into_owned())
                .unwrap_or_default();
            match normalise(&target) {
                Ok(Some(target)) => Kind::HardLink { target },
                Ok(None) => return Err(refuse(&raw, "a hard link to the root directory")),
                Err(reason) => return Err(refuse(&raw, reason)),
            }
        }
        // A symbolic link's target is only text here: nothing is ever followed, so one that
        // points outside the image harms nothing.
        tar::EntryType::Symlink => Kind::Symlink,
        tar::EntryType::Directory => Kind::Dir,
        _ => Kind::Other,
    };
    Ok(Some(Entry {
        path,
        kind,
        mode,
        uid,
        gid,
    }))
}

/// A layer path made relative and clean; `None` for the root. Absolute paths and `..` components
/// are refused: no builder writes them, and a tool that extracted them would write outside its
/// directory.
pub fn normalise(raw: &str) -> Result<Option<String>, &'static str> {
    if raw.starts_with('/') {
        return Err("an absolute path (layer paths are relative to the root)");
    }
    let mut parts = Vec::new();
    for part in raw.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err("a `..` component, which would leave the root"),
            other => parts.push(other),
        }
    }
    Ok((!parts.is_empty()).then(|| parts.join("/")))
}

/// The hash of an entry's bytes and how many there were.
fn hash_contents(reader: &mut impl Read, budget: &Budget) -> io::Result<(u128, u64)> {
    let mut hasher = Xxh3::new();
    let mut buffer = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = reader.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        // Counts expanded bytes too: a sparse entry's holes never passed through the stream.
        budget.charge_contents(n as u64)?;
        hasher.update(&buffer[..n]);
        total += n as u64;
    }
    Ok((hasher.digest128(), total))
}

/// Decompressed bytes allowed for one layer, shared by the stream counter and the content reader.
#[derive(Clone)]
struct Budget(std::rc::Rc<BudgetState>);

struct BudgetState {
    cap: u64,
    stream: std::cell::Cell<u64>,
    contents: std::cell::Cell<u64>,
    exceeded: std::cell::Cell<bool>,
}

impl Budget {
    fn new(cap: u64) -> Budget {
        Budget(std::rc::Rc::new(BudgetState {
            cap,
            stream: 0.into(),
            contents: 0.into(),
            exceeded: false.into(),
        }))
    }

    fn exceeded(&self) -> bool {
        self.0.exceeded.get()
    }

    fn stream_bytes(&self) -> u64 {
        self.0.stream.get()
    }

    fn charge(&self, cell: &std::cell::Cell<u64>, n: u64) -> io::Result<()> {
        let total = cell.get().saturating_add(n);
        cell.set(total);
        if total > self.0.cap {
            self.0.exceeded.set(true);
            return Err(io::Error::other("over the decompressed-size cap"));
        }
        Ok(())
    }

    fn charge_stream(&self, n: u64) -> io::Result<()> {
        self.charge(&self.0.stream, n)
    }

    fn charge_contents(&self, n: u64) -> io::Result<()> {
        self.charge(&self.0.contents, n)
    }
}

/// The decompressed stream, counted against the budget.
struct Counted {
    inner: Box<dyn Read>,
    budget: Budget,
}

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.budget.charge_stream(n as u64)?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn paths_are_made_relative_and_hostile_ones_refused() {
        assert_eq!(normalise("./usr/bin/").unwrap().as_deref(), Some("usr/bin"));
        assert_eq!(normalise("./").unwrap(), None);
        assert!(normalise("/etc/passwd").is_err());
        assert!(normalise("a/../../etc").is_err());
    }
}
