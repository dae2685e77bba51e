//! Validation results: issues named by field, the report that gathers them, and the errors.

use std::fmt;

use serde::Serialize;
use thiserror::Error;

/// One problem (or warning) about one field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Issue {
    /// Dotted path of the field, e.g. `song_intent.mood_secondary_tension`.
    pub field: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Errors and warnings of one intent.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct ValidationReport {
    /// Problems that stop processing.
    pub errors: Vec<Issue>,
    /// Inconsistencies worth a look.
    pub warnings: Vec<Issue>,
}

/// Most errors (and, apart, warnings) one report collects. A hand-written intent has a handful
/// at most; a file with thousands of unknown fields would otherwise make a report (and an
/// error message) as large as the file. Past it, one last issue says that checking stopped.
pub const MAX_ISSUES: usize = 100;

impl ValidationReport {
    /// True without errors (warnings allowed).
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }

    /// Whether the report holds `MAX_ISSUES` errors (and the note that it stopped).
    pub fn is_full(&self) -> bool {
        self.errors.len() > MAX_ISSUES
    }

    pub(super) fn error(&mut self, field: &str, message: impl Into<String>) {
        Self::add(&mut self.errors, field, message.into());
    }

    pub(super) fn warn(&mut self, field: &str, message: impl Into<String>) {
        Self::add(&mut self.warnings, field, message.into());
    }

    /// Adds an issue while there is room; the first one past `MAX_ISSUES` becomes the note
    /// that checking stopped, later ones are dropped.
    fn add(issues: &mut Vec<Issue>, field: &str, message: String) {
        match issues.len() {
            n if n < MAX_ISSUES => issues.push(Issue {
                field: field.to_string(),
                message,
            }),
            n if n == MAX_ISSUES => issues.push(Issue {
                field: "(file)".to_string(),
                message: format!(
                    "stopped after {MAX_ISSUES} problems; fix these and check again for more"
                ),
            }),
            _ => {}
        }
    }

    /// Adds `other`'s issues within the same limits.
    pub(super) fn merge(&mut self, other: ValidationReport) {
        for issue in other.errors {
            Self::add(&mut self.errors, &issue.field, issue.message);
        }
        for issue in other.warnings {
            Self::add(&mut self.warnings, &issue.field, issue.message);
        }
    }
}

/// Why an intent could not be used.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum IntentError {
    /// The text is not JSON.
    #[error("not valid JSON at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser says.
        message: String,
    },
    /// The JSON does not describe a valid intent.
    #[error("{}", .0.errors.iter().map(|i| i.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid(ValidationReport),
}
