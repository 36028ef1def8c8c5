//! Settings of the GraphQL endpoint: limits, introspection and how long `atLeast` waits.
//! Read from the `[graphql]` table of the Plenary config file and `PLENARY_GRAPHQL__*`.

use std::path::Path;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GraphqlSettings {
    /// Whether `__schema` / `__type` queries are answered.
    pub introspection: bool,
    pub max_depth: usize,
    pub max_complexity: usize,
    pub max_aliases: usize,
    pub max_directives: usize,
    /// Most queries in one batched request.
    pub max_batch: usize,
    /// How long a query with `atLeast` waits for the projection, in milliseconds.
    pub at_least_wait_ms: u64,
}

impl Default for GraphqlSettings {
    fn default() -> Self {
        Self {
            introspection: true,
            max_depth: 16,
            max_complexity: 5_000,
            max_aliases: 32,
            max_directives: 16,
            max_batch: 10,
            at_least_wait_ms: 2_000,
        }
    }
}

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    graphql: GraphqlSettings,
}

impl GraphqlSettings {
    /// Defaults, overridden by the `[graphql]` table of `file`, overridden by
    /// `PLENARY_GRAPHQL__*` (e.g. `PLENARY_GRAPHQL__INTROSPECTION=false`).
    pub fn load(file: Option<&Path>) -> Result<Self, config::ConfigError> {
        let mut builder = config::Config::builder();
        if let Some(file) = file {
            builder = builder.add_source(config::File::from(file).required(true));
        }
        let loaded: File = builder
            .add_source(
                config::Environment::with_prefix("PLENARY")
                    .prefix_separator("_")
                    .separator("__")
                    .try_parsing(true),
            )
            .build()?
            .try_deserialize()?;
        Ok(loaded.graphql)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_graphql_table_of_the_config_file_overrides_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plenary.toml");
        std::fs::write(
            &file,
            "listen = \"0.0.0.0:9000\"\n[graphql]\nintrospection = false\nmax_aliases = 5\n",
        )
        .unwrap();
        let settings = GraphqlSettings::load(Some(&file)).unwrap();
        assert!(!settings.introspection);
        assert_eq!(settings.max_aliases, 5);
        assert_eq!(settings.max_depth, GraphqlSettings::default().max_depth);
    }
}
