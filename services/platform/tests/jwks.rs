//! Production-mode verification: tokens signed with RS256, ES256 and EdDSA keys checked against
//! a JWKS file or URL, with the algorithms pinned by the settings, and a JWKS URL fetched again
//! as the provider rotates its keys. The key pairs in `tests/keys` exist only for these tests.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpResponse, HttpServer, web};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use platform::Settings;
use platform::auth::Authenticator;
use platform::config::{AuthMode, AuthSettings};
use serde_json::{Value, json};

fn keys() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/keys")
}

fn settings(algorithms: &[&str]) -> AuthSettings {
    AuthSettings {
        mode: AuthMode::Jwks,
        jwks_file: Some(keys().join("jwks.json")),
        issuer: "https://id.example.org".into(),
        audience: "plenary".into(),
        algorithms: algorithms.iter().map(|name| name.to_string()).collect(),
        ..Settings::default().auth
    }
}

async fn authenticator(algorithms: &[&str]) -> Authenticator {
    let dir = tempfile::tempdir().unwrap();
    Authenticator::from_settings(&settings(algorithms), dir.path())
        .await
        .unwrap()
}

fn claims() -> Value {
    let now = jsonwebtoken::get_current_timestamp();
    json!({
        "sub": "li.wei", "name": "Li Wei", "org": "People's Bank of China",
        "roles": {"fg-dfc": ["delegate"]}, "secretariat": false,
        "iss": "https://id.example.org", "aud": "plenary", "exp": now + 600, "nbf": now - 1, "iat": now,
    })
}

fn sign(algorithm: Algorithm, kid: &str, claims: &Value) -> String {
    let pem = |file: &str| std::fs::read(keys().join(file)).unwrap();
    let key = match algorithm {
        Algorithm::EdDSA => EncodingKey::from_ed_pem(&pem("ed25519.pem")).unwrap(),
        Algorithm::ES256 => EncodingKey::from_ec_pem(&pem("p256.pem")).unwrap(),
        Algorithm::RS256 => EncodingKey::from_rsa_pem(&pem("rsa.pem")).unwrap(),
        other => panic!("no test key for {other:?}"),
    };
    let mut header = Header::new(algorithm);
    header.kid = Some(kid.into());
    jsonwebtoken::encode(&header, claims, &key).unwrap()
}

#[tokio::test]
async fn tokens_signed_with_each_published_key_verify_to_their_claims() {
    let auth = authenticator(&["RS256", "ES256", "EdDSA"]).await;
    for (algorithm, kid) in [
        (Algorithm::EdDSA, "ed-1"),
        (Algorithm::ES256, "ec-1"),
        (Algorithm::RS256, "rsa-1"),
    ] {
        let verified = auth.verify(&sign(algorithm, kid, &claims())).unwrap();
        assert_eq!(verified.sub, "li.wei", "{algorithm:?}");
        assert!(verified.principal().is_member("fg-dfc"));
    }
}

#[tokio::test]
async fn a_token_signed_with_an_algorithm_that_is_not_pinned_is_refused() {
    let auth = authenticator(&["RS256"]).await;
    assert!(kept_key_verifies(&auth));
    let error = auth
        .verify(&sign(Algorithm::EdDSA, "ed-1", &claims()))
        .unwrap_err();
    assert_eq!(error.problem().status, 401);
}

#[tokio::test]
async fn an_hmac_token_is_never_accepted_in_jwks_mode() {
    let auth = authenticator(&["RS256", "ES256", "EdDSA", "HS256"]).await;
    let token = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims(),
        &EncodingKey::from_secret(b"guess"),
    )
    .unwrap();
    assert!(auth.verify(&token).is_err());
}

#[tokio::test]
async fn a_token_from_another_issuer_or_for_another_audience_is_refused() {
    let auth = authenticator(&["EdDSA"]).await;
    let mut other_issuer = claims();
    other_issuer["iss"] = json!("https://evil.example.org");
    assert!(
        auth.verify(&sign(Algorithm::EdDSA, "ed-1", &other_issuer))
            .is_err()
    );
    let mut other_audience = claims();
    other_audience["aud"] = json!("someone-else");
    assert!(
        auth.verify(&sign(Algorithm::EdDSA, "ed-1", &other_audience))
            .is_err()
    );
}

#[tokio::test]
async fn a_token_without_nbf_or_not_yet_valid_is_refused() {
    let auth = authenticator(&["EdDSA"]).await;
    let mut without_nbf = claims();
    without_nbf.as_object_mut().unwrap().remove("nbf");
    assert!(
        auth.verify(&sign(Algorithm::EdDSA, "ed-1", &without_nbf))
            .is_err()
    );
    let mut future = claims();
    future["nbf"] = json!(jsonwebtoken::get_current_timestamp() + 3600);
    assert!(
        auth.verify(&sign(Algorithm::EdDSA, "ed-1", &future))
            .is_err()
    );
}

#[tokio::test]
async fn a_jwks_mode_without_a_key_source_does_not_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut no_source = settings(&["EdDSA"]);
    no_source.jwks_file = None;
    assert!(
        Authenticator::from_settings(&no_source, dir.path())
            .await
            .is_err()
    );
}

/// An identity provider's JWKS endpoint whose published document the test changes.
struct Provider {
    document: Arc<Mutex<String>>,
    fetches: Arc<AtomicUsize>,
    url: String,
}

impl Provider {
    /// Serves the test JWKS with only the keys whose ids are in `kids`.
    fn start(kids: &[&str]) -> Self {
        let document = Arc::new(Mutex::new(published(kids)));
        let fetches = Arc::new(AtomicUsize::new(0));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/jwks", listener.local_addr().unwrap());
        let (served, counted) = (document.clone(), fetches.clone());
        let server = HttpServer::new(move || {
            let (served, counted) = (served.clone(), counted.clone());
            App::new().route(
                "/jwks",
                web::get().to(move || {
                    counted.fetch_add(1, Ordering::SeqCst);
                    let body = served.lock().unwrap().clone();
                    async move {
                        HttpResponse::Ok()
                            .content_type("application/json")
                            .body(body)
                    }
                }),
            )
        })
        .workers(1)
        .disable_signals()
        .listen(listener)
        .unwrap()
        .run();
        tokio::spawn(server);
        Self {
            document,
            fetches,
            url,
        }
    }

    fn publish(&self, document: String) {
        *self.document.lock().unwrap() = document;
    }

    fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }

    /// An authenticator that reads this provider's keys and keeps them current in the
    /// background, as a running server does.
    async fn authenticator(&self, refresh_seconds: u64) -> Arc<Authenticator> {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = settings(&["RS256", "ES256", "EdDSA"]);
        settings.jwks_file = None;
        settings.jwks_url = Some(self.url.clone());
        settings.jwks_refresh_seconds = refresh_seconds;
        let auth = Arc::new(
            Authenticator::from_settings(&settings, dir.path())
                .await
                .unwrap(),
        );
        let running = auth.clone();
        tokio::spawn(async move { running.keep_keys_current().await });
        auth
    }
}

/// The test JWKS with only the keys whose ids are in `kids`.
fn published(kids: &[&str]) -> String {
    let all: Value =
        serde_json::from_str(&std::fs::read_to_string(keys().join("jwks.json")).unwrap()).unwrap();
    let keys: Vec<&Value> = all["keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|key| kids.contains(&key["kid"].as_str().unwrap()))
        .collect();
    json!({ "keys": keys }).to_string()
}

/// Whether a token signed with `rsa-1` verifies (the providers below keep publishing that key).
fn kept_key_verifies(auth: &Authenticator) -> bool {
    auth.verify(&sign(Algorithm::RS256, "rsa-1", &claims()))
        .is_ok()
}

/// Whether `check` comes true within 5 s (the keys are fetched again in the background).
async fn eventually(mut check: impl FnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        if check() {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_key_the_provider_publishes_later_is_fetched_when_a_token_names_it() {
    let provider = Provider::start(&["rsa-1"]);
    let auth = provider.authenticator(3600).await;
    let rotated = sign(Algorithm::EdDSA, "ed-1", &claims());
    assert!(kept_key_verifies(&auth));

    provider.publish(published(&["rsa-1", "ed-1"]));
    let error = auth.verify(&rotated).unwrap_err();
    assert_eq!(error.problem().status, 401);
    assert!(
        eventually(|| auth.verify(&rotated).is_ok()).await,
        "the token signed with the newly published key is accepted once it is fetched"
    );
    assert!(kept_key_verifies(&auth));
}

#[tokio::test]
async fn tokens_naming_unknown_keys_do_not_make_the_server_fetch_again_and_again() {
    let provider = Provider::start(&["rsa-1"]);
    let auth = provider.authenticator(3600).await;
    let forged = sign(Algorithm::EdDSA, "made-up", &claims());
    assert!(auth.verify(&forged).is_err());
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after_first = provider.fetches();
    assert_eq!(
        after_first, 2,
        "one fetch at start, one for the unknown key id"
    );
    for _ in 0..50 {
        assert!(auth.verify(&forged).is_err());
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        provider.fetches(),
        after_first,
        "within 10 s of the last such fetch, unknown key ids wait"
    );
}

#[tokio::test]
async fn the_keys_are_fetched_again_periodically_and_a_withdrawn_key_stops_verifying() {
    let provider = Provider::start(&["rsa-1", "ed-1"]);
    let auth = provider.authenticator(1).await;
    let withdrawn = sign(Algorithm::EdDSA, "ed-1", &claims());
    assert!(auth.verify(&withdrawn).is_ok());
    let version = auth.keys_version();

    provider.publish(published(&["rsa-1"]));
    assert!(
        eventually(|| auth.verify(&withdrawn).is_err()).await,
        "the withdrawn key still verifies after 5 s"
    );
    assert!(kept_key_verifies(&auth));
    assert!(
        auth.keys_version() > version,
        "caches of verified tokens see the change"
    );
}

#[tokio::test]
async fn a_failed_fetch_keeps_the_keys_in_use() {
    let provider = Provider::start(&["rsa-1"]);
    let auth = provider.authenticator(1).await;
    provider.publish("this is not a JWKS".into());
    let fetched = provider.fetches();
    assert!(
        eventually(|| provider.fetches() >= fetched + 2).await,
        "no fetch again in 5 s"
    );
    assert!(kept_key_verifies(&auth));
}
