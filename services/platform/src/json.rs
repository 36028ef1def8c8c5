//! The JSON body extractor: like `web::Json`, but its errors are problem+json naming the field
//! at fault (`agenda[1].title`) and the size limit comes from the settings.

use std::ops::Deref;

use actix_web::http::header;
use actix_web::mime;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use futures::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, FieldError};

/// A request body parsed from JSON. Use it instead of `web::Json` in every route.
#[derive(Debug, Clone)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<mime::Mime>().ok())
            .is_some_and(|mime| mime.subtype() == mime::JSON || mime.suffix() == Some(mime::JSON));
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::UnsupportedMediaType(
                    "the request body must be application/json".into(),
                ));
            }
            let bytes = body.await.map_err(payload_error)?;
            parse(&bytes).map(Json)
        })
    }
}

/// Parses a JSON document, naming the path of the first field that does not fit.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let field = error.path().to_string();
        let inner = error.into_inner();
        let code = match inner.classify() {
            serde_json::error::Category::Data => "invalid_field",
            _ => "malformed_json",
        };
        let field = if field == "." { String::new() } else { field };
        let message = inner.to_string();
        // serde reports a missing field at its parent; name the field itself.
        let field = match missing_field(&message) {
            Some(name) if field.is_empty() => name.to_string(),
            Some(name) => format!("{field}.{name}"),
            None => field,
        };
        ApiError::BadRequest {
            code: code.into(),
            detail: if field.is_empty() {
                format!("the request body is not valid: {message}")
            } else {
                format!("field {field}: {message}")
            },
            errors: vec![FieldError {
                field,
                code: code.into(),
                message,
            }],
        }
    })
}

fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}

/// Errors of reading the raw body (`web::Bytes` under the app's `PayloadConfig`).
pub(crate) fn payload_error(error: actix_web::Error) -> ApiError {
    use actix_web::error::PayloadError;
    match error.as_error::<PayloadError>() {
        Some(PayloadError::Overflow) => ApiError::PayloadTooLarge {
            detail: "the request body is larger than the limit".into(),
            field: None,
        },
        _ => match error.as_response_error().status_code().as_u16() {
            413 => ApiError::PayloadTooLarge {
                detail: "the request body is larger than the limit".into(),
                field: None,
            },
            _ => ApiError::bad_request("unreadable_body", error.to_string()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Meeting {
        agenda: Vec<Item>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        title: String,
    }

    #[test]
    fn a_wrongly_typed_nested_field_is_named_by_its_path() {
        let error = parse::<Meeting>(br#"{"agenda":[{"title":"a"},{"title":3}]}"#).unwrap_err();
        let problem = error.problem();
        assert_eq!(problem.status, 400);
        assert_eq!(problem.errors[0].field, "agenda[1].title");
        assert_eq!(problem.code, "invalid_field");
    }

    #[test]
    fn a_missing_field_is_named_with_its_parent_path() {
        let problem = parse::<Meeting>(br#"{"agenda":[{}]}"#)
            .unwrap_err()
            .problem();
        assert_eq!(problem.errors[0].field, "agenda[0].title");
    }

    #[test]
    fn broken_json_is_malformed() {
        let problem = parse::<Meeting>(b"{\"agenda\": [").unwrap_err().problem();
        assert_eq!(problem.code, "malformed_json");
    }
}
