//! What the fuzz targets share: one engine for the whole process, built as the gateway builds
//! it for `consentry proxy`, and a way to cut input into chunks the way a network would.

use std::sync::{Arc, LazyLock};

use consentry_config::{Catalogue, Config};
use consentry_engine::{Engine, Grants, SiteEngine};

/// The engine every target uses, for a site answering to any host.
pub static ENGINE: LazyLock<Engine> = LazyLock::new(|| {
    let config = Config::quick_start(
        "http://127.0.0.1:8000",
        "127.0.0.1:0".parse().expect("address"),
        "fuzz-data".into(),
    )
    .expect("quick-start config");
    let catalogue = Catalogue::builtin().expect("built-in catalogue");
    Engine::new(&config, &catalogue, &[7; 32])
});

/// The one site of [`ENGINE`].
pub fn site() -> Arc<SiteEngine> {
    Arc::clone(
        ENGINE
            .site_for_host("fuzz.test")
            .expect("a site for any host"),
    )
}

/// Grants from the low four bits of a byte (necessary is always granted).
pub fn grants(byte: u8) -> Grants {
    Grants::from_bits((byte & 0b1111) | 1).expect("four category bits")
}

/// Cuts `data` into chunks whose sizes come from `sizes` in turn (1 to 256 bytes; a zero
/// size gives an empty chunk, as a network may), cycling when the sizes run out.
pub fn chunks<'a>(data: &'a [u8], sizes: &[u8]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut rest = data;
    let mut i = 0;
    while !rest.is_empty() {
        let size = match sizes.get(i % sizes.len().max(1)) {
            None => rest.len(),
            Some(0) => 0,
            Some(&n) => usize::from(n),
        };
        let (head, tail) = rest.split_at(size.min(rest.len()));
        out.push(head);
        rest = tail;
        i += 1;
        // A run of zero sizes must not loop forever.
        if i > data.len() * 2 + 8 {
            out.push(rest);
            break;
        }
    }
    out
}
