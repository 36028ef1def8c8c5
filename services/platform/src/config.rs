//! Typed, layered settings: built-in defaults, then an optional TOML file, then `PLENARY_*`
//! environment variables (nested keys joined by `__`, e.g. `PLENARY_AUTH__MODE=jwks`).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Everything a Plenary process needs to know at start.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Settings {
    /// Address to listen on; port 0 picks a free port (tests).
    pub listen: String,
    /// The event log: a SQLite file path, or an `esdb://` / `kurrentdb://` connection string.
    /// Empty: `plenary.db` in the data dir.
    pub store: String,
    /// Where the blob store and the persisted dev signing key live.
    pub data_dir: PathBuf,
    /// Built web client to serve at `/` when the directory exists.
    pub web_dir: PathBuf,
    pub auth: AuthSettings,
    pub limits: Limits,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthMode {
    /// HS256 key generated at first start and kept in the data dir; `plenary token` mints tokens.
    Dev,
    /// Public keys from a JWKS file or URL (RS256, ES256, EdDSA).
    Jwks,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthSettings {
    pub mode: AuthMode,
    /// JWKS document on disk (mode `jwks`); takes precedence over `jwks_url`.
    pub jwks_file: Option<PathBuf>,
    /// JWKS document fetched at start (mode `jwks`), then again every `jwks_refresh_seconds`
    /// and soon after a token names a key id it does not have.
    pub jwks_url: Option<String>,
    /// How often the JWKS at `jwks_url` is fetched again, in seconds.
    pub jwks_refresh_seconds: u64,
    pub issuer: String,
    pub audience: String,
    /// The only algorithms a token may be signed with, e.g. `["RS256", "EdDSA"]`.
    /// Dev mode always uses `HS256`.
    pub algorithms: Vec<String>,
    /// Clock skew tolerated on `exp` and `nbf`, in seconds.
    pub leeway_seconds: u64,
    /// Lifetime of tokens minted in dev mode, in hours.
    pub dev_token_hours: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Limits {
    /// Largest JSON request body, in bytes.
    pub json_body_bytes: usize,
    /// Largest uploaded document, in bytes.
    pub upload_bytes: u64,
    /// Media types accepted for uploaded documents.
    pub media_types: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            store: String::new(),
            data_dir: "plenary-data".into(),
            web_dir: "clients/web/dist".into(),
            auth: AuthSettings {
                mode: AuthMode::Dev,
                jwks_file: None,
                jwks_url: None,
                jwks_refresh_seconds: 3600,
                issuer: "plenary-dev".into(),
                audience: "plenary".into(),
                algorithms: vec!["RS256".into(), "ES256".into(), "EdDSA".into()],
                leeway_seconds: 30,
                dev_token_hours: 24 * 30,
            },
            limits: Limits {
                json_body_bytes: 256 * 1024,
                upload_bytes: 20 * 1024 * 1024,
                media_types: [
                    "application/pdf",
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    "application/msword",
                    "application/zip",
                    "text/plain",
                    "text/markdown",
                    "text/html",
                ]
                .map(String::from)
                .to_vec(),
            },
        }
    }
}

impl Settings {
    /// Defaults, overridden by `file` (when given, it must exist), overridden by `PLENARY_*`.
    pub fn load(file: Option<&Path>) -> Result<Self, config::ConfigError> {
        let defaults = config::Config::try_from(&Settings::default())?;
        let mut builder = config::Config::builder().add_source(defaults);
        if let Some(file) = file {
            builder = builder.add_source(config::File::from(file).required(true));
        }
        builder
            .add_source(
                config::Environment::with_prefix("PLENARY")
                    .prefix_separator("_")
                    .separator("__")
                    .list_separator(",")
                    .with_list_parse_key("auth.algorithms")
                    .with_list_parse_key("limits.media_types")
                    .try_parsing(true),
            )
            .build()?
            .try_deserialize()
    }

    /// The store to open: the `store` setting, or `plenary.db` in the data dir when it is empty.
    pub fn store_location(&self) -> String {
        if self.store.trim().is_empty() {
            self.data_dir.join("plenary.db").display().to_string()
        } else {
            self.store.clone()
        }
    }

    /// Settings for tests: everything under `dir`, a free port, dev auth.
    pub fn for_tests(dir: &Path) -> Self {
        Self {
            listen: "127.0.0.1:0".into(),
            store: dir.join("plenary.db").display().to_string(),
            data_dir: dir.to_path_buf(),
            web_dir: dir.join("web"),
            ..Self::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_toml_file_overrides_the_defaults_and_keeps_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plenary.toml");
        std::fs::write(
            &file,
            "listen = \"0.0.0.0:9000\"\n[auth]\nmode = \"jwks\"\njwks_file = \"keys.json\"\nalgorithms = [\"EdDSA\"]\n",
        )
        .unwrap();
        let settings = Settings::load(Some(&file)).unwrap();
        assert_eq!(settings.listen, "0.0.0.0:9000");
        assert_eq!(settings.auth.mode, AuthMode::Jwks);
        assert_eq!(settings.auth.algorithms, vec!["EdDSA".to_string()]);
        assert_eq!(settings.auth.audience, "plenary");
        assert_eq!(
            settings.limits.json_body_bytes,
            Settings::default().limits.json_body_bytes
        );
    }

    #[test]
    fn without_a_store_setting_the_log_lives_in_the_data_dir() {
        let mut settings = Settings {
            data_dir: "/var/lib/plenary".into(),
            ..Settings::default()
        };
        assert_eq!(settings.store_location(), "/var/lib/plenary/plenary.db");
        settings.store = "esdb://localhost:2113".into();
        assert_eq!(settings.store_location(), "esdb://localhost:2113");
    }

    #[test]
    fn a_missing_config_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Settings::load(Some(&dir.path().join("absent.toml"))).is_err());
    }
}
