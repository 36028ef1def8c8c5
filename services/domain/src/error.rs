//! Refusals: every domain error has a stable machine code and names the field concerned, so
//! the HTTP layer maps all of them to problem+json in one place.

use serde::Serialize;

use crate::events::DocumentRef;

/// A refusal by the domain. Implemented by every context's error enum.
pub trait Rejection: std::error::Error {
    /// Stable, dotted machine code: `meeting.notice_too_short`.
    fn code(&self) -> &'static str;
    /// The command field (camelCase, as in the JSON API) the refusal concerns, if one.
    fn field(&self) -> Option<&'static str>;
}

/// Any context's refusal, flattened: what the HTTP layer turns into problem+json.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct DomainError {
    pub code: &'static str,
    pub field: Option<&'static str>,
    pub message: String,
}

impl<E: Rejection> From<E> for DomainError {
    fn from(error: E) -> Self {
        Self {
            code: error.code(),
            field: error.field(),
            message: error.to_string(),
        }
    }
}

/// Malformed input common to every context.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("{field} must not be blank")]
    Blank { field: &'static str },
    #[error("{field} is longer than {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("{field} is not valid: {reason}")]
    Invalid {
        field: &'static str,
        reason: &'static str,
    },
}

impl Rejection for InputError {
    fn code(&self) -> &'static str {
        match self {
            Self::Blank { .. } => "input.blank",
            Self::TooLong { .. } => "input.too_long",
            Self::Invalid { .. } => "input.invalid",
        }
    }
    fn field(&self) -> Option<&'static str> {
        match self {
            Self::Blank { field } | Self::TooLong { field, .. } | Self::Invalid { field, .. } => {
                Some(field)
            }
        }
    }
}

/// Longest title, name or reason, in characters.
pub const MAX_LINE: usize = 500;
/// Longest free text (a comment, a summary), in characters.
pub const MAX_TEXT: usize = 20_000;

/// Text that must be present (not only whitespace) and at most `max` characters.
pub fn required(field: &'static str, value: &str, max: usize) -> Result<(), InputError> {
    if value.trim().is_empty() {
        return Err(InputError::Blank { field });
    }
    bounded(field, value, max)
}

/// Text that may be absent but, when given, is present and at most `max` characters.
pub fn optional(field: &'static str, value: Option<&str>, max: usize) -> Result<(), InputError> {
    value.map_or(Ok(()), |value| required(field, value, max))
}

fn bounded(field: &'static str, value: &str, max: usize) -> Result<(), InputError> {
    if value.chars().count() > max {
        Err(InputError::TooLong { field, max })
    } else {
        Ok(())
    }
}

/// A document reference as the blob store produces it.
pub fn document(field: &'static str, document: &DocumentRef) -> Result<(), InputError> {
    let is_sha256 = document.sha256.len() == 64
        && document
            .sha256
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !is_sha256 {
        return Err(InputError::Invalid {
            field,
            reason: "sha256 must be 64 lowercase hex digits",
        });
    }
    if document.size == 0 {
        return Err(InputError::Invalid {
            field,
            reason: "the document is empty",
        });
    }
    required(field, &document.media_type, 200)?;
    required(field, &document.file_name, 255)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_only_text_is_blank() {
        assert_eq!(
            required("title", "  \n", MAX_LINE),
            Err(InputError::Blank { field: "title" })
        );
    }

    #[test]
    fn text_over_the_limit_is_too_long_counted_in_characters() {
        assert!(required("title", &"é".repeat(10), 10).is_ok());
        assert_eq!(
            required("title", &"é".repeat(11), 10),
            Err(InputError::TooLong {
                field: "title",
                max: 10
            })
        );
    }

    #[test]
    fn a_domain_error_keeps_code_field_and_message() {
        let error = DomainError::from(InputError::Blank { field: "summary" });
        assert_eq!(error.code, "input.blank");
        assert_eq!(error.field, Some("summary"));
        assert_eq!(error.message, "summary must not be blank");
    }

    #[test]
    fn a_document_needs_a_lowercase_sha256_and_content() {
        let mut doc = DocumentRef {
            sha256: "a".repeat(64),
            size: 10,
            media_type: "application/pdf".into(),
            file_name: "x.pdf".into(),
        };
        assert!(document("document", &doc).is_ok());
        doc.sha256 = "A".repeat(64);
        assert_eq!(
            document("document", &doc).unwrap_err().code(),
            "input.invalid"
        );
        doc.sha256 = "a".repeat(64);
        doc.size = 0;
        assert_eq!(
            document("document", &doc).unwrap_err().field(),
            Some("document")
        );
    }
}
