//! What rendering hands on: one file of the built site at a time, to the
//! caller's sink.

use std::path::PathBuf;

use crate::error::Result;

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Where it goes, relative to the output folder, with `/` separators.
    pub path: String,
    /// What it holds.
    pub contents: Contents,
    /// The file it comes from, relative to the site root, for messages.
    pub origin: PathBuf,
}

/// The bytes of an output file, or the file to copy them from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contents {
    /// Rendered text.
    Text(String),
    /// Bytes made in memory that are not text, such as the search index.
    Bytes(Vec<u8>),
    /// A file copied as it is.
    Copy(PathBuf),
}

/// Where rendered files go, as soon as each is made: the site is never
/// held in memory whole unless the sink keeps it.
pub type Sink<'a> = &'a (dyn Fn(OutputFile) -> Result<()> + Sync);
