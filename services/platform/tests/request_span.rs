//! Every request runs in an `http_request` span carrying its method, route and status. The
//! server's workers are threads of their own, so this test binary installs a global subscriber
//! that keeps the fields of each such span once it closes.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use platform::testing::TestApp;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::{Context, SubscriberExt};

type Fields = BTreeMap<String, String>;

/// The fields of `http_request` spans: of open ones by id, of closed ones in closing order.
#[derive(Clone, Default)]
struct RequestSpans {
    open: Arc<Mutex<HashMap<u64, Fields>>>,
    closed: Arc<Mutex<Vec<Fields>>>,
}

struct Collect<'a>(&'a mut Fields);

impl Visit for Collect<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl<S: tracing::Subscriber> Layer<S> for RequestSpans {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        if attrs.metadata().name() != "http_request" {
            return;
        }
        let mut fields = Fields::new();
        attrs.record(&mut Collect(&mut fields));
        self.open.lock().unwrap().insert(id.into_u64(), fields);
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        if let Some(fields) = self.open.lock().unwrap().get_mut(&id.into_u64()) {
            values.record(&mut Collect(fields));
        }
    }

    fn on_close(&self, id: Id, _: Context<'_, S>) {
        if let Some(fields) = self.open.lock().unwrap().remove(&id.into_u64()) {
            self.closed.lock().unwrap().push(fields);
        }
    }
}

impl RequestSpans {
    /// The closed span whose fields include `wanted`, waiting a little for it to close.
    async fn closed_with(&self, wanted: &[(&str, &str)]) -> Option<Fields> {
        for _ in 0..100 {
            let found = self.closed.lock().unwrap().iter().find_map(|fields| {
                wanted
                    .iter()
                    .all(|(name, value)| fields.get(*name).map(String::as_str) == Some(*value))
                    .then(|| fields.clone())
            });
            if found.is_some() {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        None
    }
}

#[tokio::test]
async fn every_request_runs_in_a_span_with_its_method_route_and_status() {
    let spans = RequestSpans::default();
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(spans.clone()))
        .expect("the only subscriber of this test binary");
    let app = TestApp::spawn(Vec::new()).await;
    let client = reqwest::Client::new();

    let health = client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let unknown = client.delete(app.url("/nowhere")).send().await.unwrap();
    assert_eq!(unknown.status(), 404);

    let health_span = spans
        .closed_with(&[("method", "GET"), ("route", "/health")])
        .await;
    assert_eq!(
        health_span.and_then(|fields| fields.get("status").cloned()),
        Some("200".to_owned())
    );
    let unknown_span = spans
        .closed_with(&[("method", "DELETE"), ("status", "404")])
        .await;
    assert!(unknown_span.is_some(), "{:?}", spans.closed.lock().unwrap());
}
