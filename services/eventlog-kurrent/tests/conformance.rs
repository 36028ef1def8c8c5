//! The event log's conformance suite against a real KurrentDB / EventStoreDB server.
//!
//! Runs only when `PLENARY_TEST_KURRENTDB` holds a connection string at build time, e.g.
//! `PLENARY_TEST_KURRENTDB='kurrentdb://localhost:2113?tls=false' cargo test -p eventlog-kurrent
//! --test conformance` (see `ops/kurrentdb/README.md`). Without it the suite is not compiled
//! and a single ignored test says why: nothing here claims to pass against a server.

#[cfg(kurrentdb_server)]
eventlog::conformance_tests!(async {
    let conn = std::env::var("PLENARY_TEST_KURRENTDB")
        .expect("PLENARY_TEST_KURRENTDB was set when this test was built");
    eventlog_kurrent::KurrentStore::connect(&conn).expect("a KurrentDB connection string")
});

#[cfg(not(kurrentdb_server))]
#[test]
#[ignore = "skipped: PLENARY_TEST_KURRENTDB names no KurrentDB server (see ops/kurrentdb/README.md)"]
fn conformance_against_kurrentdb_needs_a_server() {
    panic!(
        "the KurrentDB conformance suite was not compiled: set PLENARY_TEST_KURRENTDB to a \
         connection string, e.g. kurrentdb://localhost:2113?tls=false, and run \
         `cargo test -p eventlog-kurrent --test conformance`"
    );
}
