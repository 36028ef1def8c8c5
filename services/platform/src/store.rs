//! Opening the event log named by the `store` setting: a KurrentDB connection string by its
//! scheme, anything else a SQLite file path.

use std::sync::Arc;

use eventlog::EventStore;
use eventlog_kurrent::KurrentStore;
use eventlog_sqlite::SqliteStore;

#[derive(Debug, thiserror::Error)]
pub enum OpenStoreError {
    #[error("opening the SQLite log {path}: {source}")]
    Sqlite {
        path: String,
        source: eventlog::StoreError,
    },
    #[error("creating the directory of {path}: {source}")]
    Directory {
        path: String,
        source: std::io::Error,
    },
    #[error("connecting to KurrentDB: {0}")]
    Kurrent(#[from] eventlog_kurrent::ConnectError),
}

/// Whether `store` names a KurrentDB server rather than a file.
pub fn is_kurrent(store: &str) -> bool {
    [
        "esdb://",
        "esdb+discover://",
        "kurrentdb://",
        "kurrentdb+discover://",
        "kurrent://",
    ]
    .iter()
    .any(|scheme| store.starts_with(scheme))
}

/// Opens the log: `esdb://…` / `kurrentdb://…` connect to KurrentDB (lazily, on first use);
/// any other value is a SQLite file, created with its directory when missing.
/// Must run inside a tokio runtime.
pub fn open_store(store: &str) -> Result<Arc<dyn EventStore>, OpenStoreError> {
    if is_kurrent(store) {
        return Ok(Arc::new(KurrentStore::connect(store)?));
    }
    let path = std::path::Path::new(store);
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| OpenStoreError::Directory {
            path: store.into(),
            source,
        })?;
    }
    let sqlite = SqliteStore::open(path).map_err(|source| OpenStoreError::Sqlite {
        path: store.into(),
        source,
    })?;
    Ok(Arc::new(sqlite))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_strings_are_told_from_paths_by_scheme() {
        assert!(is_kurrent("esdb://localhost:2113?tls=false"));
        assert!(is_kurrent("kurrentdb+discover://cluster:2113"));
        assert!(!is_kurrent("plenary-data/plenary.db"));
        assert!(!is_kurrent("/var/lib/plenary/esdb.db"));
    }

    #[tokio::test]
    async fn a_path_opens_a_sqlite_log_creating_its_directory() {
        let dir = tempfile::tempdir().unwrap();
        let store = open_store(&dir.path().join("nested/log.db").display().to_string()).unwrap();
        assert_eq!(store.head().await.unwrap(), None);
    }
}
