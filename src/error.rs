//! The one error type every stage returns, and how it reads to a user.
//!
//! An `Error` carries the file it is about (relative to the site root), the
//! line and column when known, a message, a `help:` action and the chain of
//! causes. Formatting lives here; printing is `report`'s job.

use std::fmt;
use std::path::{Path, PathBuf};

/// Result of every fallible folio operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A line and column in a file, both counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, in characters.
    pub column: usize,
}

impl Location {
    /// Returns the location of byte `offset` in `text`.
    pub fn of_offset(text: &str, offset: usize) -> Location {
        let offset = offset.min(text.len());
        let before = &text[..text.floor_char_boundary(offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Location { line, column }
    }
}

/// Whether a problem stops the build or is only worth saying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The build fails.
    Error,
    /// The build goes on; the user is told.
    Warning,
}

/// A problem with the site, located where possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The file the problem is in, relative to the site root when it is inside it.
    pub path: Option<PathBuf>,
    /// Where in that file.
    pub location: Option<Location>,
    /// What is wrong, starting lowercase.
    pub message: String,
    /// What the user can do about it (boxed to keep `Result`s small).
    pub help: Option<Box<str>>,
    /// The causes, outermost first.
    pub causes: Vec<String>,
    /// Error or warning.
    pub severity: Severity,
}

impl Error {
    /// Returns an error about `path` at `location`.
    pub fn at(
        path: impl AsRef<Path>,
        location: Option<Location>,
        message: impl Into<String>,
    ) -> Self {
        Error {
            path: Some(path.as_ref().to_path_buf()),
            location,
            message: message.into(),
            help: None,
            causes: Vec::new(),
            severity: Severity::Error,
        }
    }

    /// Returns an error that is about no file in particular.
    pub fn msg(message: impl Into<String>) -> Self {
        Error {
            path: None,
            location: None,
            message: message.into(),
            help: None,
            causes: Vec::new(),
            severity: Severity::Error,
        }
    }

    /// Adds the action that fixes the problem.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into().into_boxed_str());
        self
    }

    /// Adds a cause below the message.
    pub fn cause(mut self, cause: impl fmt::Display) -> Self {
        self.causes.push(cause.to_string());
        self
    }

    /// Turns the error into a warning.
    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// Rewrites the path relative to `root` when it lies inside it.
    pub fn relative_to(mut self, root: &Path) -> Self {
        if let Some(path) = &self.path
            && let Ok(rel) = path.strip_prefix(root)
        {
            self.path = Some(rel.to_path_buf());
        }
        self
    }

    /// Returns true when this is only a warning.
    pub fn is_warning(&self) -> bool {
        self.severity == Severity::Warning
    }

    /// Returns the `path:line:col` prefix, or an empty string.
    pub fn place(&self) -> String {
        let Some(path) = &self.path else {
            return String::new();
        };
        let path = path.to_string_lossy().replace('\\', "/");
        match self.location {
            Some(l) => format!("{path}:{}:{}", l.line, l.column),
            None => path,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let place = self.place();
        if place.is_empty() {
            writeln!(f, "{label}: {}", self.message)?;
        } else {
            writeln!(f, "{label}: {place}: {}", self.message)?;
        }
        for cause in &self.causes {
            let mut lines = cause.trim_end().lines();
            if let Some(first) = lines.next() {
                writeln!(f, "  caused by: {first}")?;
            }
            for line in lines {
                writeln!(f, "    {line}")?;
            }
        }
        if let Some(help) = &self.help {
            writeln!(f, "  help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// Several problems found in one pass.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Errors(pub Vec<Error>);

impl Errors {
    /// Adds one problem.
    pub fn push(&mut self, error: Error) {
        self.0.push(error);
    }

    /// Rewrites every path relative to `root` when it lies inside it.
    pub fn relative_to(self, root: &Path) -> Errors {
        Errors(self.0.into_iter().map(|e| e.relative_to(root)).collect())
    }

    /// Returns the first problem, for a caller that reports one.
    pub fn into_first(self) -> Error {
        let mut all = self.0.into_iter();
        all.next()
            .unwrap_or_else(|| Error::msg("an empty list of problems was reported"))
    }

    /// Returns true when at least one problem is an error, not a warning.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|e| !e.is_warning())
    }
}

impl From<Error> for Errors {
    fn from(error: Error) -> Self {
        Errors(vec![error])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_prints_place_message_causes_and_help() {
        let error = Error::at(
            "content/post.md",
            Some(Location { line: 3, column: 7 }),
            "`date` must be a date like 2024-05-01, found \"soon\"",
        )
        .cause("first\nsecond")
        .help("write the date as YYYY-MM-DD");
        assert_eq!(
            error.to_string(),
            "error: content/post.md:3:7: `date` must be a date like 2024-05-01, found \"soon\"\n  \
             caused by: first\n    second\n  help: write the date as YYYY-MM-DD\n"
        );
    }

    #[test]
    fn a_location_counts_lines_and_characters_from_one() {
        let text = "ab\ncé\nx";
        assert_eq!(
            Location::of_offset(text, 0),
            Location { line: 1, column: 1 }
        );
        assert_eq!(
            Location::of_offset(text, 3),
            Location { line: 2, column: 1 }
        );
        assert_eq!(
            Location::of_offset(text, 6),
            Location { line: 2, column: 3 }
        );
        assert_eq!(
            Location::of_offset(text, 99),
            Location { line: 3, column: 2 }
        );
    }
}
