//! `GET /documents/{sha256}`: downloads of stored documents, allowed to whoever may read an
//! entity referring to the document (a contribution, a deliverable draft, a progress report).

use actix_web::{HttpRequest, HttpResponse, web};
use platform::error::{ApiError, FieldError};

use crate::http::QueryService;

/// Downloads a stored document by its SHA-256, as named in events' `DocumentRef`s.
#[utoipa::path(get, path = "/documents/{sha256}", tag = "documents", operation_id = "download_document",
    params(("sha256" = String, Path, description = "lowercase hex SHA-256 of the document")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "the document, with its media type and file name", content_type = "application/octet-stream"),
        (status = 400, description = "not a lowercase hex SHA-256", body = platform::Problem, content_type = "application/problem+json"),
        (status = 401, description = "no usable token, and no public entity refers to the document", body = platform::Problem, content_type = "application/problem+json"),
        (status = 404, description = "no entity the reader may read refers to such a document", body = platform::Problem, content_type = "application/problem+json"),
    ))]
#[tracing::instrument(name = "download", skip_all, fields(sha256 = %sha256))]
pub(crate) async fn download(
    service: web::Data<QueryService>,
    req: HttpRequest,
    sha256: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let sha256 = sha256.into_inner();
    if !is_sha256(&sha256) {
        let message = "a document is named by its SHA-256: 64 lowercase hex digits";
        return Err(ApiError::BadRequest {
            code: "invalid_sha256".into(),
            detail: message.into(),
            errors: vec![FieldError {
                field: "sha256".into(),
                code: "invalid_sha256".into(),
                message: message.into(),
            }],
        });
    }
    let viewer = service.viewer_of(&req)?;
    let read = service.read_side();
    let lookup = || read.read(|models| viewer.readable_document(models, &sha256));
    let mut document = lookup();
    if document.is_none()
        && let Some(head) = service.platform().store().head().await?
    {
        // Just written (a submission answered a moment ago): let the projection catch up
        // with the log before answering that there is no such document.
        if read.wait_for(head, service.freshness_wait()).await.is_ok() {
            document = lookup();
        }
    }
    match (document, viewer.person.is_some()) {
        (Some(document), _) => service.platform().blobs().respond(&document).await,
        // Anonymous readers get the same answer whether the document exists or is members-only.
        (None, false) => Err(ApiError::Unauthenticated(
            "no public document has this SHA-256; sign in to download a members-only document"
                .into(),
        )),
        (None, true) => Err(ApiError::not_found(
            "document_not_found",
            format!("no document you may read has SHA-256 {sha256}"),
        )),
    }
}

fn is_sha256(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(download))]
pub(crate) struct DocumentsDoc;
