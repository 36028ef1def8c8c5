//! One error type for every route, answered as `application/problem+json` (RFC 9457) with a
//! stable `code` and, for validation errors, the fields concerned.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use eventlog::StoreError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// The body of every error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// `urn:plenary:problem:{code}`.
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable, machine-readable: `unauthenticated`, `forbidden`, `meeting_notice_too_short`...
    pub code: String,
    /// The fields at fault, for validation errors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// One invalid field: `field` is a path into the request body such as `agenda[1].title`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: String,
}

/// Why a request was not carried out. Every variant maps to one status; none is caused by
/// user input and answered 500.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No usable bearer token (missing, malformed, expired, wrong signature/issuer/audience).
    #[error("{0}")]
    Unauthenticated(String),
    /// Authenticated, but the policy does not allow this action here.
    #[error("{detail}")]
    Forbidden { code: String, detail: String },
    #[error("{detail}")]
    NotFound { code: String, detail: String },
    /// The request is malformed: unparsable body, bad header, missing multipart part.
    #[error("{detail}")]
    BadRequest {
        code: String,
        detail: String,
        errors: Vec<FieldError>,
    },
    /// Well-formed but refused: a field's value or a domain rule (422).
    #[error("{detail}")]
    Unprocessable {
        code: String,
        detail: String,
        errors: Vec<FieldError>,
    },
    /// The stream moved on while the command ran and retries did not help (409).
    #[error("{0}")]
    Conflict(String),
    /// The client's `If-Match` revision is not the stream's current one (412).
    #[error("{0}")]
    PreconditionFailed(String),
    #[error("{detail}")]
    PayloadTooLarge {
        detail: String,
        field: Option<String>,
    },
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The backend is unreachable or failing; the request may be retried (503).
    #[error("{0}")]
    Unavailable(String),
    /// Not ready yet (the demo still seeding, say); the request may be retried (503).
    #[error("{0}")]
    NotReady(String),
    /// A bug or corrupt data on our side (500). Never caused by input.
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    pub fn forbidden(code: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::Forbidden {
            code: code.into(),
            detail: detail.into(),
        }
    }

    pub fn not_found(code: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::NotFound {
            code: code.into(),
            detail: detail.into(),
        }
    }

    pub fn bad_request(code: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::BadRequest {
            code: code.into(),
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    /// A refusal tied to one field of the request (422).
    pub fn invalid_field(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let (code, message) = (code.into(), message.into());
        Self::Unprocessable {
            code: code.clone(),
            detail: message.clone(),
            errors: vec![FieldError {
                field: field.into(),
                code,
                message,
            }],
        }
    }

    /// A refusal by a rule, not tied to one field (422).
    pub fn rejected(code: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::Unprocessable {
            code: code.into(),
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    /// Names a refusal's fields after the parts of the multipart upload they came from: the
    /// stored document is the `file` part, every other field sits in the JSON `metadata` part
    /// (`metadata.title`), so that a client can show each error beside what was typed.
    pub fn in_upload_parts(mut self) -> Self {
        if let Self::Unprocessable { errors, .. } = &mut self {
            for error in errors {
                error.field = if error.field == "document" {
                    "file".into()
                } else {
                    format!("metadata.{}", error.field)
                };
            }
        }
        self
    }

    pub fn internal(error: impl std::fmt::Display) -> Self {
        Self::Internal(error.to_string())
    }

    pub fn code(&self) -> &str {
        match self {
            Self::Unauthenticated(_) => "unauthenticated",
            Self::Forbidden { code, .. }
            | Self::NotFound { code, .. }
            | Self::BadRequest { code, .. }
            | Self::Unprocessable { code, .. } => code,
            Self::Conflict(_) => "conflict",
            Self::PreconditionFailed(_) => "precondition_failed",
            Self::PayloadTooLarge { .. } => "payload_too_large",
            Self::UnsupportedMediaType(_) => "unsupported_media_type",
            Self::Unavailable(_) => "store_unavailable",
            Self::NotReady(_) => "not_ready",
            Self::Internal(_) => "internal",
        }
    }

    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        let errors = match self {
            Self::BadRequest { errors, .. } | Self::Unprocessable { errors, .. } => errors.clone(),
            Self::PayloadTooLarge {
                field: Some(field),
                detail,
            } => vec![FieldError {
                field: field.clone(),
                code: "too_large".into(),
                message: detail.clone(),
            }],
            _ => Vec::new(),
        };
        // Internal details go to the log, not to the client.
        let detail = match self {
            Self::Internal(_) => "an internal error occurred; it has been logged".to_string(),
            other => other.to_string(),
        };
        Problem {
            problem_type: format!("urn:plenary:problem:{}", self.code()),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail,
            code: self.code().to_string(),
            errors,
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden { .. } => StatusCode::FORBIDDEN,
            Self::NotFound { .. } => StatusCode::NOT_FOUND,
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Unavailable(_) | Self::NotReady(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Internal(message) => tracing::error!(%message, "internal error"),
            Self::Unavailable(message) => tracing::warn!(%message, "store unavailable"),
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
        if let Self::Unavailable(_) | Self::NotReady(_) = self {
            response.insert_header((header::RETRY_AFTER, HeaderValue::from_static("1")));
        }
        if let Self::Unauthenticated(_) = self {
            response.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        response.body(serde_json::to_string(&self.problem()).unwrap_or_default())
    }
}

/// Store errors met outside a command's append (reads, idempotency records). A Conflict met by
/// an append is turned into 409/412 by the executor, which knows whether `If-Match` was sent.
impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict { stream, .. } => Self::Conflict(format!(
                "stream {stream} changed while the request ran; retry it"
            )),
            StoreError::Invalid(invalid) => Self::rejected("invalid_event", invalid.to_string()),
            StoreError::Corrupt(message) => Self::Internal(format!("corrupt log: {message}")),
            StoreError::Internal(message) => Self::Unavailable(message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_internal_error_hides_its_detail_from_the_client() {
        let problem = ApiError::internal("disk on fire at /var/secret").problem();
        assert_eq!(problem.status, 500);
        assert!(!problem.detail.contains("/var/secret"));
    }

    #[test]
    fn a_field_error_names_its_field_and_code() {
        let problem = ApiError::invalid_field("startsOn", "too_soon", "too soon").problem();
        assert_eq!(problem.status, 422);
        assert_eq!(problem.code, "too_soon");
        assert_eq!(problem.problem_type, "urn:plenary:problem:too_soon");
        assert_eq!(problem.errors[0].field, "startsOn");
    }

    #[test]
    fn upload_refusals_name_the_part_each_field_came_from() {
        let title = ApiError::invalid_field("title", "input.blank", "blank").in_upload_parts();
        assert_eq!(title.problem().errors[0].field, "metadata.title");
        let document = ApiError::invalid_field("document", "document.too_large", "too large")
            .in_upload_parts();
        assert_eq!(document.problem().errors[0].field, "file");
        let elsewhere = ApiError::forbidden("auth.forbidden", "no").in_upload_parts();
        assert_eq!(elsewhere.problem().status, 403);
    }
}
