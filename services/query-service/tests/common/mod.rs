//! What the query service's HTTP tests share: the service on a free port over a temporary
//! SQLite log, tokens, and events appended as the command services would append them.

use chrono::NaiveDate;
use domain::events::{
    DeliverableDefined, DeliverableEvent, DeliverableId, Event, GroupEvent, MembershipCategory,
    ParticipantRegistered,
};
use domain::policy::Role;
use eventlog::Position;
use platform::config::Settings;
use platform::testing::dev_token;
use platform::testing::fixtures::record;
use platform::{Application, Platform};
use query_service::{GraphqlSettings, QueryService};
use tokio::sync::oneshot;

/// The query service serving a temporary log until dropped.
pub struct Served {
    /// `127.0.0.1:port`, without a scheme: the tests speak both HTTP and WebSocket to it.
    pub address: String,
    pub client: reqwest::Client,
    pub platform: Platform,
    stop: Option<oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Served {
    pub async fn start(graphql: &GraphqlSettings) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let platform = Platform::open(Settings::for_tests(dir.path()))
            .await
            .unwrap();
        let query = QueryService::start(&platform, graphql);
        let app = Application::build(platform.clone(), vec![query.service()]).unwrap();
        let address = format!("127.0.0.1:{}", app.port());
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(app.run_until(async move {
            let _ = stopped.await;
        }));
        Self {
            address,
            client: reqwest::Client::new(),
            platform,
            stop: Some(stop),
            _dir: dir,
        }
    }

    pub fn token(&self, person: &str, roles: &[(&str, Role)], secretariat: bool) -> String {
        dev_token(&self.platform, person, roles, secretariat)
    }

    /// Appends one event as the command services would; returns its position.
    pub async fn append(&self, stream: &str, event: Event) -> Position {
        record(&self.platform, stream, &event).await
    }
}

pub fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

pub fn registered(group: &str, person: &str) -> Event {
    Event::Group(GroupEvent::ParticipantRegistered(ParticipantRegistered {
        group_id: group.into(),
        person: person.into(),
        display_name: person.to_uppercase(),
        organisation: "eCurrency".into(),
        category: MembershipCategory::SectorMember,
        country: None,
    }))
}

/// The deliverable "Terminology and taxonomy" of `group`, from its terms of reference.
pub fn deliverable_defined(deliverable: DeliverableId, group: &str) -> Event {
    Event::Deliverable(DeliverableEvent::DeliverableDefined(DeliverableDefined {
        deliverable_id: deliverable,
        group_id: group.into(),
        title: "Terminology and taxonomy".into(),
        from_terms_of_reference: true,
    }))
}
