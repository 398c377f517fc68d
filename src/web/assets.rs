//! Static assets, compiled into the binary. Links carry a content hash (`?v=`), so a new
//! build is fetched at once and an old one never is.

use std::sync::LazyLock;

use sha2::{Digest, Sha256};

/// A file served under `/assets/`.
pub struct Asset {
    pub name: &'static str,
    pub content_type: &'static str,
    pub body: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "style.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../assets/style.css"),
    },
    Asset {
        name: "favicon.svg",
        content_type: "image/svg+xml",
        body: include_bytes!("../../assets/favicon.svg"),
    },
];

/// A short content hash per asset, computed once from the compiled-in bytes (never changes
/// while the process runs).
static VERSIONS: LazyLock<Vec<String>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|a| hex::encode(&Sha256::digest(a.body)[..8]))
        .collect()
});

/// The asset called `name`, with its version.
pub fn find(name: &str) -> Option<(&'static Asset, &'static str)> {
    let index = ASSETS.iter().position(|a| a.name == name)?;
    Some((
        ASSETS.get(index)?,
        VERSIONS.get(index).map_or("0", String::as_str),
    ))
}

/// An asset's address, with its version.
pub fn path(name: &str) -> String {
    crate::urls::asset(name, find(name).map_or("0", |(_, v)| v))
}

/// The stylesheet's address, with its version.
pub fn stylesheet_path() -> String {
    path("style.css")
}
