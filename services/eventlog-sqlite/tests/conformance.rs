//! The event log's conformance suite, run against the SQLite backend.

eventlog::conformance_tests!(async {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = eventlog_sqlite::SqliteStore::open(dir.path().join("events.sqlite3"))
        .expect("open a fresh store");
    (store, dir)
});
