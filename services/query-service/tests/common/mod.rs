//! What the query service's HTTP tests share: the service on a free port over a temporary
//! SQLite log, tokens, and events appended as the command services would append them.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use domain::codec::DomainEvent;
use domain::events::{Event, GroupEvent, MembershipCategory, ParticipantRegistered};
use domain::policy::Role;
use eventlog::{Actor, ExpectedRevision, NewEvent, Position, StreamId};
use platform::auth::Identity;
use platform::config::Settings;
use platform::{Application, Platform};
use query_service::{GraphqlSettings, QueryService};
use tokio::sync::oneshot;
use uuid::Uuid;

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
        let mut by_group: BTreeMap<String, BTreeSet<Role>> = BTreeMap::new();
        for (group, role) in roles {
            by_group
                .entry((*group).to_string())
                .or_default()
                .insert(*role);
        }
        let identity = Identity {
            sub: person.into(),
            name: person.into(),
            org: "Test Organisation".into(),
            roles: by_group,
            secretariat,
        };
        self.platform.auth().mint_token(&identity).unwrap()
    }

    /// Appends one event as the command services would; returns its position.
    pub async fn append(&self, stream: &str, event: Event) -> Position {
        let new = NewEvent {
            id: Uuid::now_v7(),
            event_type: event.event_type().into(),
            schema_version: event.schema_version(),
            actor: Actor {
                subject: "tsb".into(),
                display_name: "TSB".into(),
                roles: vec![],
            },
            correlation_id: Uuid::now_v7(),
            causation_id: None,
            payload: event.to_payload(),
        };
        let stream = StreamId::new(stream).unwrap();
        self.platform
            .store()
            .append(&stream, ExpectedRevision::Any, vec![new])
            .await
            .unwrap()
            .last()
            .position
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
