//! The environment of a child app: shared by the tests and the examples' harness and soak run.

use std::ffi::OsString;
use std::path::Path;

/// A child that sees none of the user's config, state or environment.
pub fn private_env(home: &Path) -> Vec<(&'static str, OsString)> {
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into());
    vec![
        ("PATH", path),
        ("HOME", home.into()),
        ("TERM", "xterm-256color".into()),
        ("XDG_CONFIG_HOME", home.join("config").into()),
        ("XDG_STATE_HOME", home.join("state").into()),
        ("XDG_DATA_HOME", home.join("data").into()),
        ("XDG_CACHE_HOME", home.join("cache").into()),
    ]
}
