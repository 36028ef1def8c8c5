//! Bearer JWT authentication: tokens verified with jsonwebtoken against pinned algorithms,
//! signature, `exp`, `nbf`, `iss` and `aud`; keys from a JWKS (production, fetched again from
//! its URL as the identity provider rotates them) or a generated HS256 key kept in the data dir
//! (dev). The claims become a `domain::policy::Principal`.

use std::collections::{BTreeMap, BTreeSet};
use std::future::{Ready, ready};
use std::ops::Deref;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use domain::Rejection;
use domain::policy::{self, Action, Denied, PolicyFacts, Principal, Role};
use jsonwebtoken::jwk::{AlgorithmParameters, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;

use crate::Platform;
use crate::config::{AuthMode, AuthSettings};
use crate::error::ApiError;

/// What a Plenary token says about its bearer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The person's stable id, e.g. `david.wen`.
    pub sub: String,
    pub name: String,
    pub org: String,
    /// Roles per group id: `{"fg-dfc": ["chair"], "dcgi-pg": ["delegate"]}`.
    #[serde(default)]
    pub roles: BTreeMap<String, BTreeSet<Role>>,
    /// A member of the secretariat (ITU TSB).
    #[serde(default)]
    pub secretariat: bool,
    pub iss: String,
    pub aud: String,
    pub exp: u64,
    pub nbf: u64,
    pub iat: u64,
}

/// The person a token is about, before issuer, audience and times are added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub sub: String,
    pub name: String,
    pub org: String,
    #[serde(default)]
    pub roles: BTreeMap<String, BTreeSet<Role>>,
    #[serde(default)]
    pub secretariat: bool,
}

impl Identity {
    /// `person` (also their display name) of `org`, with `role@group` pairs as roles.
    pub fn new(person: &str, org: &str, roles: &[(&str, Role)], secretariat: bool) -> Self {
        let mut by_group: BTreeMap<String, BTreeSet<Role>> = BTreeMap::new();
        for (group, role) in roles {
            by_group
                .entry((*group).to_string())
                .or_default()
                .insert(*role);
        }
        Self {
            sub: person.into(),
            name: person.into(),
            org: org.into(),
            roles: by_group,
            secretariat,
        }
    }
}

impl Claims {
    pub fn principal(&self) -> Principal {
        Principal {
            person: self.sub.clone(),
            display_name: self.name.clone(),
            organisation: self.org.clone(),
            roles: self.roles.clone(),
            secretariat: self.secretariat,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AuthSetupError {
    #[error("auth: reading {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("auth: fetching the JWKS from {url}: {source}")]
    Fetch { url: String, source: reqwest::Error },
    #[error("auth: the JWKS is not valid: {0}")]
    Jwks(String),
    #[error("auth: mode jwks needs auth.jwks_file or auth.jwks_url")]
    NoJwksSource,
    #[error("auth: unknown algorithm {0:?} in auth.algorithms")]
    Algorithm(String),
}

struct VerifyingKey {
    kid: Option<String>,
    key: DecodingKey,
    validation: Validation,
}

/// The shortest time between two fetches of the JWKS asked for by tokens naming a key id that
/// no key has, so that made-up key ids cannot make the server hammer the identity provider.
const UNKNOWN_KEY_REFETCH_GAP: Duration = Duration::from_secs(10);

/// Where the published keys are fetched again from, and how often.
struct KeyRefresh {
    url: String,
    settings: AuthSettings,
    every: Duration,
    /// Woken by a token naming a key id that no key has: the provider may have rotated.
    unknown_key: Notify,
}

/// Verifies bearer tokens; in dev mode also mints them.
pub struct Authenticator {
    /// Replaced whole when the JWKS is fetched again; a verification works on one set.
    keys: RwLock<Arc<[VerifyingKey]>>,
    /// Counts the replacements of `keys`, for caches of verified tokens.
    keys_version: AtomicU64,
    refresh: Option<KeyRefresh>,
    signing: Option<EncodingKey>,
    issuer: String,
    audience: String,
    dev_token_seconds: u64,
}

impl std::fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authenticator")
            .field("keys", &self.keys().len())
            .field("dev", &self.signing.is_some())
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish()
    }
}

const DEV_KEY_FILE: &str = "dev-signing-key.hex";

impl Authenticator {
    /// Sets up verification from the settings: loads (or creates) the dev key in `data_dir`,
    /// or reads the JWKS from its file or URL.
    pub async fn from_settings(
        settings: &AuthSettings,
        data_dir: &Path,
    ) -> Result<Self, AuthSetupError> {
        match settings.mode {
            AuthMode::Dev => {
                let secret = dev_secret(data_dir)?;
                Ok(Self::dev(&secret, settings))
            }
            AuthMode::Jwks => {
                let document = if let Some(path) = &settings.jwks_file {
                    std::fs::read_to_string(path).map_err(|source| AuthSetupError::Read {
                        path: path.display().to_string(),
                        source,
                    })?
                } else if let Some(url) = &settings.jwks_url {
                    let keys = fetch_keys(url, settings).await?;
                    let mut auth = Self::with_keys(keys, None, settings);
                    auth.refresh = Some(KeyRefresh {
                        url: url.clone(),
                        settings: settings.clone(),
                        every: Duration::from_secs(settings.jwks_refresh_seconds.max(1)),
                        unknown_key: Notify::new(),
                    });
                    return Ok(auth);
                } else {
                    return Err(AuthSetupError::NoJwksSource);
                };
                let jwks: JwkSet = serde_json::from_str(&document)
                    .map_err(|error| AuthSetupError::Jwks(error.to_string()))?;
                Self::from_jwks(&jwks, settings)
            }
        }
    }

    fn with_keys(
        keys: Vec<VerifyingKey>,
        signing: Option<EncodingKey>,
        settings: &AuthSettings,
    ) -> Self {
        Self {
            keys: RwLock::new(keys.into()),
            keys_version: AtomicU64::new(0),
            refresh: None,
            signing,
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            dev_token_seconds: settings.dev_token_hours * 3600,
        }
    }

    /// Changes whenever the keys do: a token verified under one version may not verify under
    /// the next.
    pub fn keys_version(&self) -> u64 {
        self.keys_version.load(Ordering::Acquire)
    }

    fn keys(&self) -> Arc<[VerifyingKey]> {
        self.keys
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Keeps the keys of a JWKS given by URL current: fetches it again every
    /// `auth.jwks_refresh_seconds`, and soon after a token names a key id that no key has (at
    /// most once per 10 s for that reason). A failed fetch keeps the keys in use and is logged.
    /// Returns at once for keys that come from a file or the dev key.
    pub async fn keep_keys_current(&self) {
        let Some(refresh) = &self.refresh else { return };
        let mut last_asked_for: Option<Instant> = None;
        loop {
            tokio::select! {
                () = tokio::time::sleep(refresh.every) => {}
                () = refresh.unknown_key.notified() => {
                    if let Some(at) = last_asked_for {
                        tokio::time::sleep_until((at + UNKNOWN_KEY_REFETCH_GAP).into()).await;
                    }
                    last_asked_for = Some(Instant::now());
                }
            }
            match fetch_keys(&refresh.url, &refresh.settings).await {
                Ok(keys) => {
                    tracing::info!(keys = keys.len(), url = %refresh.url, "JWKS fetched again");
                    *self.keys.write().unwrap_or_else(PoisonError::into_inner) = keys.into();
                    self.keys_version.fetch_add(1, Ordering::Release);
                }
                Err(error) => {
                    tracing::warn!(
                        %error,
                        "fetching the JWKS again failed; keeping the keys in use"
                    );
                }
            }
        }
    }

    /// An HS256 authenticator that can also mint tokens.
    pub fn dev(secret: &[u8], settings: &AuthSettings) -> Self {
        let key = VerifyingKey {
            kid: None,
            key: DecodingKey::from_secret(secret),
            validation: validation(vec![Algorithm::HS256], settings),
        };
        Self::with_keys(vec![key], Some(EncodingKey::from_secret(secret)), settings)
    }

    /// Verifies with the public keys of `jwks`, each only with the pinned algorithms of its family.
    pub fn from_jwks(jwks: &JwkSet, settings: &AuthSettings) -> Result<Self, AuthSetupError> {
        Ok(Self::with_keys(
            verifying_keys(jwks, settings)?,
            None,
            settings,
        ))
    }
    /// Checks a compact JWT and returns its claims.
    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        let header = jsonwebtoken::decode_header(token).map_err(|error| {
            ApiError::Unauthenticated(format!("the bearer token is malformed: {error}"))
        })?;
        let keys = self.keys();
        let candidates = keys.iter().filter(|key| {
            key.validation.algorithms.contains(&header.alg)
                && (header.kid.is_none() || key.kid.is_none() || key.kid == header.kid)
        });
        let mut last_error = None;
        for candidate in candidates {
            match jsonwebtoken::decode::<Claims>(token, &candidate.key, &candidate.validation) {
                Ok(data) => return Ok(data.claims),
                Err(error) => last_error = Some(error),
            }
        }
        if let (Some(kid), Some(refresh)) = (&header.kid, &self.refresh)
            && !keys.iter().any(|key| key.kid.as_ref() == Some(kid))
        {
            refresh.unknown_key.notify_one();
            return Err(ApiError::Unauthenticated(format!(
                "no published key has the id {kid:?}; the keys are fetched again shortly"
            )));
        }
        Err(ApiError::Unauthenticated(match last_error {
            Some(error) => format!("the bearer token is not valid: {error}"),
            None => format!("no key accepts a token signed with {:?}", header.alg),
        }))
    }

    /// Mints a token for `identity` (dev mode only): valid from now for the configured hours.
    pub fn mint_token(&self, identity: &Identity) -> Option<String> {
        let signing = self.signing.as_ref()?;
        let now = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            sub: identity.sub.clone(),
            name: identity.name.clone(),
            org: identity.org.clone(),
            roles: identity.roles.clone(),
            secretariat: identity.secretariat,
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            exp: now + self.dev_token_seconds,
            nbf: now,
            iat: now,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, signing).ok()
    }

    /// The principal of a request, `None` when it carries no `Authorization` header.
    pub fn principal_of(&self, req: &HttpRequest) -> Result<Option<Principal>, ApiError> {
        let Some(value) = req.headers().get(header::AUTHORIZATION) else {
            return Ok(None);
        };
        let value = value.to_str().map_err(|_| {
            ApiError::Unauthenticated("the Authorization header is not text".into())
        })?;
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .ok_or_else(|| {
                ApiError::Unauthenticated("expected `Authorization: Bearer <token>`".into())
            })?;
        self.verify(token.trim())
            .map(|claims| Some(claims.principal()))
    }
}

/// The public keys of `jwks`, each usable only with the pinned algorithms of its family.
fn verifying_keys(
    jwks: &JwkSet,
    settings: &AuthSettings,
) -> Result<Vec<VerifyingKey>, AuthSetupError> {
    let pinned = settings
        .algorithms
        .iter()
        .map(|name| {
            name.parse::<Algorithm>()
                .map_err(|_| AuthSetupError::Algorithm(name.clone()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut keys = Vec::new();
    for jwk in &jwks.keys {
        let family: &[Algorithm] = match &jwk.algorithm {
            AlgorithmParameters::RSA(_) => &[
                Algorithm::RS256,
                Algorithm::RS384,
                Algorithm::RS512,
                Algorithm::PS256,
                Algorithm::PS384,
                Algorithm::PS512,
            ],
            AlgorithmParameters::EllipticCurve(_) => &[Algorithm::ES256, Algorithm::ES384],
            AlgorithmParameters::OctetKeyPair(_) => &[Algorithm::EdDSA],
            // Shared secrets have no place in a public key set.
            AlgorithmParameters::OctetKey(_) => continue,
        };
        let allowed: Vec<Algorithm> = pinned
            .iter()
            .copied()
            .filter(|alg| family.contains(alg))
            .collect();
        if allowed.is_empty() {
            continue;
        }
        let key =
            DecodingKey::from_jwk(jwk).map_err(|error| AuthSetupError::Jwks(error.to_string()))?;
        keys.push(VerifyingKey {
            kid: jwk.common.key_id.clone(),
            key,
            validation: validation(allowed, settings),
        });
    }
    if keys.is_empty() {
        return Err(AuthSetupError::Jwks(
            "no key usable with the pinned algorithms".into(),
        ));
    }
    Ok(keys)
}

/// Fetches the JWKS at `url` and reads its keys.
async fn fetch_keys(
    url: &str,
    settings: &AuthSettings,
) -> Result<Vec<VerifyingKey>, AuthSetupError> {
    let fetch = async { reqwest::get(url).await?.error_for_status()?.text().await };
    let document = fetch.await.map_err(|source| AuthSetupError::Fetch {
        url: url.to_owned(),
        source,
    })?;
    let jwks: JwkSet =
        serde_json::from_str(&document).map_err(|error| AuthSetupError::Jwks(error.to_string()))?;
    verifying_keys(&jwks, settings)
}

fn validation(algorithms: Vec<Algorithm>, settings: &AuthSettings) -> Validation {
    let mut validation = Validation::new(algorithms[0]);
    validation.algorithms = algorithms;
    validation.set_issuer(&[&settings.issuer]);
    validation.set_audience(&[&settings.audience]);
    validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
    validation.validate_exp = true;
    validation.validate_nbf = true;
    validation.leeway = settings.leeway_seconds;
    validation
}

/// The dev signing key: read from the data dir, or generated and kept there so that tokens
/// survive restarts.
fn dev_secret(data_dir: &Path) -> Result<Vec<u8>, AuthSetupError> {
    let path = data_dir.join(DEV_KEY_FILE);
    let read_error = |source| AuthSetupError::Read {
        path: path.display().to_string(),
        source,
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => hex::decode(text.trim())
            .map_err(|error| AuthSetupError::Jwks(format!("{}: {error}", path.display()))),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let mut secret = vec![0u8; 32];
            rand::rng().fill_bytes(&mut secret);
            std::fs::create_dir_all(data_dir).map_err(read_error)?;
            std::fs::write(&path, hex::encode(&secret)).map_err(read_error)?;
            Ok(secret)
        }
        Err(error) => Err(read_error(error)),
    }
}

/// Asks `domain::policy` whether `principal` may carry out `action`; a refusal is 403
/// problem+json with code `auth.forbidden` (401 `unauthenticated` without a principal).
pub fn authorize(
    principal: Option<&Principal>,
    action: Action,
    facts: &PolicyFacts,
) -> Result<(), ApiError> {
    policy::authorize(principal, &action, facts).map_err(|denied| match denied {
        Denied::Unauthenticated => ApiError::Unauthenticated(denied.to_string()),
        Denied::Forbidden { .. } => ApiError::forbidden(denied.code(), denied.to_string()),
    })
}

/// The policy facts of a command acting in `group` with nothing more to know.
pub fn in_group(group: impl Into<String>) -> PolicyFacts {
    PolicyFacts {
        group: group.into(),
        ..PolicyFacts::default()
    }
}

/// The authenticated caller. Extracting it answers 401 problem+json when the request has no
/// valid bearer token.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Principal);

impl Deref for Authenticated {
    type Target = Principal;
    fn deref(&self) -> &Principal {
        &self.0
    }
}

/// The caller if a token was sent (`None` for anonymous reads). An invalid token is still 401.
#[derive(Debug, Clone)]
pub struct MaybeAuthenticated(pub Option<Principal>);

fn authenticator(req: &HttpRequest) -> Result<&Authenticator, ApiError> {
    req.app_data::<web::Data<Platform>>()
        .map(|platform| platform.auth())
        .ok_or_else(|| ApiError::internal("the Platform is not registered as app data"))
}

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            authenticator(req)
                .and_then(|auth| auth.principal_of(req))
                .and_then(|principal| {
                    principal.map(Authenticated).ok_or_else(|| {
                        ApiError::Unauthenticated("this request needs a bearer token".into())
                    })
                }),
        )
    }
}

impl FromRequest for MaybeAuthenticated {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            authenticator(req)
                .and_then(|auth| auth.principal_of(req))
                .map(MaybeAuthenticated),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;

    fn identity() -> Identity {
        Identity {
            sub: "david.wen".into(),
            name: "David Wen".into(),
            org: "eCurrency".into(),
            roles: BTreeMap::new(),
            secretariat: false,
        }
    }

    #[test]
    fn a_minted_dev_token_verifies_to_its_identity() {
        let settings = Settings::default().auth;
        let auth = Authenticator::dev(b"0123456789abcdef0123456789abcdef", &settings);
        let token = auth.mint_token(&identity()).unwrap();
        let claims = auth.verify(&token).unwrap();
        assert_eq!(claims.sub, "david.wen");
        assert_eq!(claims.iss, settings.issuer);
    }

    #[test]
    fn a_token_for_another_audience_or_key_is_refused() {
        let settings = Settings::default().auth;
        let auth = Authenticator::dev(b"0123456789abcdef0123456789abcdef", &settings);
        let mut other_audience = settings.clone();
        other_audience.audience = "someone-else".into();
        let foreign = Authenticator::dev(b"0123456789abcdef0123456789abcdef", &other_audience);
        assert!(
            auth.verify(&foreign.mint_token(&identity()).unwrap())
                .is_err()
        );
        let other_key = Authenticator::dev(b"ffffffffffffffffffffffffffffffff", &settings);
        assert!(
            auth.verify(&other_key.mint_token(&identity()).unwrap())
                .is_err()
        );
    }

    #[test]
    fn an_expired_token_is_refused() {
        let settings = Settings::default().auth;
        let secret = b"0123456789abcdef0123456789abcdef";
        let auth = Authenticator::dev(secret, &settings);
        let now = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            sub: "a".into(),
            name: "A".into(),
            org: "O".into(),
            roles: BTreeMap::new(),
            secretariat: false,
            iss: settings.issuer.clone(),
            aud: settings.audience.clone(),
            exp: now - 3600,
            nbf: now - 7200,
            iat: now - 7200,
        };
        let token = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(secret),
        )
        .unwrap();
        assert_eq!(auth.verify(&token).unwrap_err().problem().status, 401);
    }

    #[test]
    fn the_dev_key_is_kept_across_restarts() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            dev_secret(dir.path()).unwrap(),
            dev_secret(dir.path()).unwrap()
        );
    }
}
