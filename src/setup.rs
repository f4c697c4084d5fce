//! What an isolate builds once from its vars and secrets: the parsed
//! configuration and the store it selects. Either can fail; the failure is
//! reported on every status request (health does not depend on it).

use crate::auth::AuthSettings;
use crate::clock::Clock;
use crate::config::Config;
use crate::settings::{ConfigError, Lookup};
use crate::store::AnyStore;

pub struct Setup<S> {
    pub config: Config,
    pub store: S,
    /// Who may read (contract section 8); the isolate builds its gate from it.
    pub auth: AuthSettings,
}

impl<C: Clock> Setup<AnyStore<C>> {
    pub fn from_vars(
        lookup: Lookup<'_>,
        clock: C,
        jitter: fn() -> f64,
    ) -> Result<Self, ConfigError> {
        let config = Config::from_lookup(lookup)?;
        let auth = AuthSettings::from_lookup(lookup)?;
        let store = AnyStore::open(&config, lookup, clock, jitter)?;
        Ok(Setup {
            config,
            store,
            auth,
        })
    }
}
