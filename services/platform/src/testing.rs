//! For services' integration tests (feature `testing`): a real server on a free port over a
//! temporary SQLite log and data dir, dev-mode tokens, and problem+json assertions;
//! [`fixtures`] records the facts a test starts from.

pub mod fixtures;

use domain::Aggregate;
use domain::policy::Role;
use reqwest::{Client, Response, StatusCode};
use serde::Serialize;
use tokio::sync::oneshot;

use crate::auth::Identity;
use crate::config::Settings;
use crate::error::Problem;
use crate::{Application, Platform, Service};

/// A running server. Dropping it stops the server and removes its files.
pub struct TestApp {
    pub address: String,
    pub client: Client,
    pub platform: Platform,
    stop: Option<oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

impl std::fmt::Debug for TestApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestApp")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl TestApp {
    /// Starts `services` with the test settings; `adjust` may change them (limits, say).
    pub async fn spawn_with(services: Vec<Service>, adjust: impl FnOnce(&mut Settings)) -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mut settings = Settings::for_tests(dir.path());
        adjust(&mut settings);
        let platform = Platform::open(settings).await.expect("the platform opens");
        let app = Application::build(platform.clone(), services).expect("the server binds");
        let address = format!("http://127.0.0.1:{}", app.port());
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(app.run_until(async move {
            let _ = stopped.await;
        }));
        Self {
            address,
            client: Client::new(),
            platform,
            stop: Some(stop),
            _dir: dir,
        }
    }

    pub async fn spawn(services: Vec<Service>) -> Self {
        Self::spawn_with(services, |_| {}).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// A dev token for `person` with the given roles (`[("fg-dfc", Role::Chair)]`).
    pub fn token(&self, person: &str, roles: &[(&str, Role)], secretariat: bool) -> String {
        dev_token(&self.platform, person, roles, secretariat)
    }

    /// POSTs `body` as JSON to `path`, with `token` as the bearer token when there is one.
    pub async fn post<'a>(
        &self,
        token: impl Into<Option<&'a str>>,
        path: &str,
        body: &impl Serialize,
    ) -> Response {
        let mut request = self.client.post(self.url(path)).json(body);
        if let Some(token) = token.into() {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("the server answers")
    }

    /// Every event of `stream`, typed as `A`'s, oldest first.
    pub async fn history<A: Aggregate>(&self, stream: &str) -> Vec<A::Event> {
        self.platform
            .history::<A>(stream)
            .await
            .expect("the stream reads")
    }

    /// Position of the log's last event, as a token (`None`: empty log).
    pub async fn head(&self) -> Option<String> {
        self.platform
            .store()
            .head()
            .await
            .expect("the log answers")
            .map(|position| position.to_string())
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A token `platform`'s dev key signs for `person` with the given roles.
pub fn dev_token(
    platform: &Platform,
    person: &str,
    roles: &[(&str, Role)],
    secretariat: bool,
) -> String {
    let identity = Identity::new(person, "Test Organisation", roles, secretariat);
    platform
        .auth()
        .mint_token(&identity)
        .expect("test platforms run in dev mode")
}

/// Asserts `response` is problem+json with `status` and `code`, and returns the problem.
pub async fn expect_problem(response: Response, status: u16, code: &str) -> Problem {
    let actual = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let text = response.text().await.expect("a body");
    assert_eq!(
        actual,
        StatusCode::from_u16(status).expect("a status"),
        "body: {text}"
    );
    assert_eq!(content_type, crate::error::PROBLEM_JSON, "body: {text}");
    let problem: Problem = serde_json::from_str(&text).expect("a problem+json body");
    assert_eq!(problem.code, code, "body: {text}");
    assert_eq!(problem.status, status);
    problem
}
