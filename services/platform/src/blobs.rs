//! The blob store: uploaded documents on disk, content-addressed by SHA-256
//! (`<data>/blobs/ab/cdef…`), written to a temporary file and renamed so a reader never sees
//! half a file. Events hold only a [`DocumentRef`] to them.

use std::path::{Path, PathBuf};

use actix_multipart::{Field, Multipart};
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpResponse, mime};
use domain::events::DocumentRef;
use futures::TryStreamExt;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use tokio::io::AsyncWriteExt;

use crate::config::Limits;
use crate::error::ApiError;

/// Largest text (non-file) part accepted in a multipart upload.
const MAX_TEXT_PART_BYTES: usize = 64 * 1024;
/// Most parts accepted in one multipart upload.
const MAX_PARTS: usize = 32;

#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
    max_bytes: u64,
    media_types: Vec<String>,
}

/// The text (non-file) parts of a multipart upload, by name.
#[derive(Debug, Clone, Default)]
pub struct TextParts(pub BTreeMap<String, String>);

impl TextParts {
    /// A text part that must be present.
    pub fn field(&self, name: &str) -> Result<&str, ApiError> {
        self.0.get(name).map(String::as_str).ok_or_else(|| {
            ApiError::invalid_field(
                name,
                "missing_part",
                format!("the multipart part {name:?} is required, before the file"),
            )
        })
    }

    /// A text part holding JSON, parsed with field paths prefixed by the part's name.
    pub fn json<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<T, ApiError> {
        crate::json::parse(self.field(name)?.as_bytes()).map_err(|error| match error {
            ApiError::BadRequest {
                code,
                detail,
                mut errors,
            } => {
                for error in &mut errors {
                    error.field = if error.field.is_empty() {
                        name.to_string()
                    } else {
                        format!("{name}.{}", error.field)
                    };
                }
                ApiError::BadRequest {
                    code,
                    detail,
                    errors,
                }
            }
            other => other,
        })
    }
}

/// A multipart upload: its one file, stored, and its text parts.
#[derive(Debug, Clone)]
pub struct Upload {
    pub document: DocumentRef,
    pub fields: TextParts,
}

impl Upload {
    /// A text part that must be present.
    pub fn field(&self, name: &str) -> Result<&str, ApiError> {
        self.fields.field(name)
    }

    /// A text part holding JSON, parsed with field paths prefixed by the part's name.
    pub fn json<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<T, ApiError> {
        self.fields.json(name)
    }
}

impl BlobStore {
    pub fn new(data_dir: &Path, limits: &Limits) -> std::io::Result<Self> {
        let root = data_dir.join("blobs");
        std::fs::create_dir_all(root.join("tmp"))?;
        Ok(Self {
            root,
            max_bytes: limits.upload_bytes,
            media_types: limits.media_types.clone(),
        })
    }

    fn path_of(&self, sha256: &str) -> Option<PathBuf> {
        let valid = sha256.len() == 64
            && sha256
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        valid.then(|| self.root.join(&sha256[..2]).join(&sha256[2..]))
    }

    /// Whether `media_type` (parameters ignored) may be uploaded.
    pub fn accepts(&self, media_type: &str) -> bool {
        let essence = media_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        self.media_types
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(&essence))
    }

    /// Stores `bytes`, checking the size and media type.
    pub async fn put(
        &self,
        bytes: &[u8],
        media_type: &str,
        file_name: &str,
    ) -> Result<DocumentRef, ApiError> {
        let mut writer = self.writer("file", media_type, file_name)?;
        writer.write(bytes).await?;
        writer.finish().await
    }

    fn writer(
        &self,
        field: &str,
        media_type: &str,
        file_name: &str,
    ) -> Result<BlobWriter, ApiError> {
        if !self.accepts(media_type) {
            return Err(ApiError::invalid_field(
                field,
                "media_type_not_allowed",
                format!(
                    "documents of type {media_type} are not accepted (allowed: {})",
                    self.media_types.join(", ")
                ),
            ));
        }
        if file_name.trim().is_empty() || file_name.len() > 255 {
            return Err(ApiError::invalid_field(
                field,
                "invalid_file_name",
                "the file needs a name of 1-255 bytes",
            ));
        }
        let temp =
            tempfile::NamedTempFile::new_in(self.root.join("tmp")).map_err(ApiError::internal)?;
        let (file, temp_path) = temp.into_parts();
        Ok(BlobWriter {
            store: self.clone(),
            field: field.to_string(),
            file: tokio::fs::File::from_std(file),
            temp_path,
            hasher: Sha256::new(),
            size: 0,
            media_type: media_type
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase(),
            file_name: file_name.to_string(),
        })
    }

    /// Reads a multipart body: exactly one part named `file` (the document), any number of
    /// small text parts. The file is streamed to disk, never held whole in memory.
    pub async fn receive(&self, multipart: Multipart) -> Result<Upload, ApiError> {
        let (upload, ()) = self.receive_checked(multipart, async |_| Ok(())).await?;
        Ok(upload)
    }

    /// Like [`BlobStore::receive`], but `check` sees the text parts sent before the file and
    /// may refuse the request (authorization, metadata) before any of the file is stored.
    /// Clients send their metadata part first; `check` then runs before the file is read.
    pub async fn receive_checked<T>(
        &self,
        mut multipart: Multipart,
        check: impl AsyncFnOnce(&TextParts) -> Result<T, ApiError>,
    ) -> Result<(Upload, T), ApiError> {
        let mut check = Some(check);
        let mut received = None;
        let mut fields = TextParts::default();
        let mut parts = 0;
        while let Some(field) = multipart.try_next().await.map_err(multipart_error)? {
            parts += 1;
            if parts > MAX_PARTS {
                return Err(ApiError::bad_request(
                    "too_many_parts",
                    format!("send at most {MAX_PARTS} parts"),
                ));
            }
            let name = field.name().unwrap_or_default().to_string();
            if name == "file" {
                let Some(check) = check.take() else {
                    return Err(ApiError::invalid_field(
                        "file",
                        "duplicate_part",
                        "send exactly one file",
                    ));
                };
                let checked = check(&fields).await?;
                received = Some((self.receive_file(field).await?, checked));
            } else {
                let text = read_text(&name, field).await?;
                fields.0.insert(name, text);
            }
        }
        let (document, checked) = received.ok_or_else(|| {
            ApiError::invalid_field(
                "file",
                "missing_part",
                "the multipart part \"file\" is required",
            )
        })?;
        Ok((Upload { document, fields }, checked))
    }

    async fn receive_file(&self, mut field: Field) -> Result<DocumentRef, ApiError> {
        let media_type = field
            .content_type()
            .map(|mime| mime.essence_str().to_string())
            .unwrap_or_else(|| mime::APPLICATION_OCTET_STREAM.to_string());
        let file_name = field
            .content_disposition()
            .and_then(|disposition| disposition.get_filename())
            .unwrap_or_default()
            .to_string();
        let mut writer = self.writer("file", &media_type, &file_name)?;
        while let Some(chunk) = field.try_next().await.map_err(multipart_error)? {
            writer.write(&chunk).await?;
        }
        writer.finish().await
    }

    /// The stored file's bytes, `None` when no such blob exists.
    pub async fn read(&self, sha256: &str) -> Result<Option<Vec<u8>>, ApiError> {
        let Some(path) = self.path_of(sha256) else {
            return Ok(None);
        };
        match tokio::fs::read(path).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(ApiError::internal(error)),
        }
    }

    /// A download answer for `document`: its bytes with its media type and file name.
    pub async fn respond(&self, document: &DocumentRef) -> Result<HttpResponse, ApiError> {
        let bytes = self.read(&document.sha256).await?.ok_or_else(|| {
            ApiError::internal(format!(
                "blob {} named by an event is missing",
                document.sha256
            ))
        })?;
        Ok(HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, document.media_type.clone()))
            .insert_header(ContentDisposition {
                disposition: DispositionType::Attachment,
                parameters: vec![DispositionParam::Filename(document.file_name.clone())],
            })
            .insert_header((header::ETAG, format!("\"{}\"", document.sha256)))
            .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
            .body(bytes))
    }
}

struct BlobWriter {
    store: BlobStore,
    field: String,
    file: tokio::fs::File,
    temp_path: tempfile::TempPath,
    hasher: Sha256,
    size: u64,
    media_type: String,
    file_name: String,
}

impl BlobWriter {
    async fn write(&mut self, chunk: &[u8]) -> Result<(), ApiError> {
        self.size += chunk.len() as u64;
        if self.size > self.store.max_bytes {
            return Err(ApiError::PayloadTooLarge {
                detail: format!(
                    "the document is larger than the limit of {} bytes",
                    self.store.max_bytes
                ),
                field: Some(self.field.clone()),
            });
        }
        self.hasher.update(chunk);
        self.file.write_all(chunk).await.map_err(ApiError::internal)
    }

    async fn finish(self) -> Result<DocumentRef, ApiError> {
        if self.size == 0 {
            return Err(ApiError::invalid_field(
                &self.field,
                "empty_file",
                "the document is empty",
            ));
        }
        self.file.sync_all().await.map_err(ApiError::internal)?;
        let sha256 = hex::encode(self.hasher.finalize());
        let target = self
            .store
            .path_of(&sha256)
            .expect("a SHA-256 digest is a valid blob name");
        if tokio::fs::try_exists(&target)
            .await
            .map_err(ApiError::internal)?
        {
            // Same bytes already stored; the temporary file is removed on drop.
        } else {
            let parent = target.parent().expect("blob paths have a parent");
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(ApiError::internal)?;
            self.temp_path
                .persist(&target)
                .map_err(ApiError::internal)?;
        }
        Ok(DocumentRef {
            sha256,
            size: self.size,
            media_type: self.media_type,
            file_name: self.file_name,
        })
    }
}

async fn read_text(name: &str, mut field: Field) -> Result<String, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.try_next().await.map_err(multipart_error)? {
        if bytes.len() + chunk.len() > MAX_TEXT_PART_BYTES {
            return Err(ApiError::PayloadTooLarge {
                detail: format!("the part {name:?} is larger than {MAX_TEXT_PART_BYTES} bytes"),
                field: Some(name.to_string()),
            });
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| {
        ApiError::invalid_field(
            name,
            "not_utf8",
            format!("the part {name:?} must be UTF-8 text"),
        )
    })
}

fn multipart_error(error: actix_multipart::MultipartError) -> ApiError {
    use actix_multipart::MultipartError;
    match error {
        MultipartError::Payload(actix_web::error::PayloadError::Overflow) => {
            ApiError::PayloadTooLarge {
                detail: "the request body is larger than the limit".into(),
                field: None,
            }
        }
        MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible => {
            ApiError::UnsupportedMediaType("the request body must be multipart/form-data".into())
        }
        other => ApiError::bad_request("malformed_multipart", other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;

    fn store(dir: &Path) -> BlobStore {
        let mut limits = Settings::default().limits;
        limits.upload_bytes = 16;
        BlobStore::new(dir, &limits).unwrap()
    }

    #[tokio::test]
    async fn a_document_is_stored_under_its_sha256_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = store(dir.path());
        let document = blobs
            .put(b"hello", "text/plain; charset=utf-8", "a.txt")
            .await
            .unwrap();
        assert_eq!(document.sha256, hex::encode(Sha256::digest(b"hello")));
        assert_eq!(document.media_type, "text/plain");
        assert!(
            dir.path()
                .join("blobs")
                .join(&document.sha256[..2])
                .join(&document.sha256[2..])
                .is_file()
        );
        assert_eq!(
            blobs.read(&document.sha256).await.unwrap().unwrap(),
            b"hello"
        );
        let again = blobs.put(b"hello", "text/plain", "b.txt").await.unwrap();
        assert_eq!(again.sha256, document.sha256);
        let served = blobs.respond(&document).await.unwrap();
        assert_eq!(served.headers().get("content-type").unwrap(), "text/plain");
        assert!(blobs.read(&"0".repeat(64)).await.unwrap().is_none());
    }

    #[tokio::test]
    async fn an_oversized_or_unlisted_document_is_refused_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = store(dir.path());
        let too_large = blobs
            .put(&[b'x'; 17], "text/plain", "a.txt")
            .await
            .unwrap_err();
        assert_eq!(too_large.problem().status, 413);
        let wrong_type = blobs
            .put(b"MZ", "application/x-msdownload", "a.exe")
            .await
            .unwrap_err();
        assert_eq!(wrong_type.problem().code, "media_type_not_allowed");
        assert_eq!(
            std::fs::read_dir(dir.path().join("blobs/tmp"))
                .unwrap()
                .count(),
            0
        );
    }

    #[tokio::test]
    async fn a_name_that_is_not_a_sha256_reads_as_absent() {
        let dir = tempfile::tempdir().unwrap();
        assert!(
            store(dir.path())
                .read("../../etc/passwd")
                .await
                .unwrap()
                .is_none()
        );
    }
}
