//! Production-mode verification: tokens signed with RS256, ES256 and EdDSA keys checked against
//! a JWKS file, with the algorithms pinned by the settings. The key pairs in `tests/keys` exist
//! only for these tests.

use std::path::PathBuf;

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
    assert!(
        auth.verify(&sign(Algorithm::RS256, "rsa-1", &claims()))
            .is_ok()
    );
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
