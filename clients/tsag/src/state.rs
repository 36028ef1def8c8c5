//! Where the last pull stopped: a small JSON file, replaced whole (write then rename) and only
//! after a pull that verified, so that a failed or interrupted pull is simply pulled again.

use std::path::Path;

use anyhow::Context;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PullState {
    /// The server pulled from; a state file is not reused against another server.
    pub server: Option<String>,
    pub parent_group: Option<String>,
    /// The `until` of the last verified pull: the next pull's `since`.
    pub until: Option<String>,
    pub pulled_at: Option<String>,
}

impl PullState {
    /// The saved state, or the empty state when the file does not exist yet.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .with_context(|| format!("{} is not a tsag state file", path.display())),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(error) => Err(error).with_context(|| format!("reading {}", path.display())),
        }
    }

    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        let temporary = path.with_extension("json.partial");
        std::fs::write(&temporary, text)
            .with_context(|| format!("writing {}", temporary.display()))?;
        std::fs::rename(&temporary, path).with_context(|| format!("replacing {}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_is_a_first_pull_and_a_saved_state_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        assert_eq!(PullState::load(&path).unwrap(), PullState::default());
        let state = PullState {
            server: Some("http://127.0.0.1:8080".into()),
            parent_group: Some("tsag".into()),
            until: Some("57".into()),
            pulled_at: Some("2026-11-21T12:00:00Z".into()),
        };
        state.save(&path).unwrap();
        assert_eq!(PullState::load(&path).unwrap(), state);
        assert!(!path.with_extension("json.partial").exists());
    }

    #[test]
    fn a_file_that_is_not_a_state_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        std::fs::write(&path, "not json").unwrap();
        let error = PullState::load(&path).unwrap_err().to_string();
        assert!(error.contains("is not a tsag state file"), "{error}");
    }
}
