//! The key that signs consent cookies: from the config, or generated once and kept in the
//! data directory so that cookies stay valid across restarts.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::random_bytes;

/// The key file's name in the data directory.
pub const SECRET_FILE: &str = "secret.key";

/// A key that cannot be read or created.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// The file exists but cannot be read or is not a key.
    #[error("signing key {path}: {reason}")]
    Unreadable {
        /// The key file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The file could not be written.
    #[error("cannot create signing key {path}: {source}")]
    Create {
        /// The key file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// The signing key in `data_dir`, created (32 random bytes, readable by the owner only) if
/// there is none yet.
pub fn load_or_create(data_dir: &Path) -> Result<Vec<u8>, SecretError> {
    let path = data_dir.join(SECRET_FILE);
    match fs::read_to_string(&path) {
        Ok(text) => {
            let key = hex::decode(text.trim()).map_err(|e| SecretError::Unreadable {
                path: path.clone(),
                reason: format!("not hex: {e}"),
            })?;
            if key.len() < 32 {
                return Err(SecretError::Unreadable {
                    path,
                    reason: "shorter than 32 bytes".into(),
                });
            }
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => create(&path),
        Err(e) => Err(SecretError::Unreadable {
            path,
            reason: e.to_string(),
        }),
    }
}

/// The signing key in `data_dir`, which must exist: commands that read the log never make
/// a new one.
pub fn load_existing(data_dir: &Path) -> Result<Vec<u8>, SecretError> {
    let path = data_dir.join(SECRET_FILE);
    if !path.exists() {
        return Err(SecretError::Unreadable {
            path,
            reason: "no signing key here: is this a Consentry data directory? (or pass --config)"
                .into(),
        });
    }
    load_or_create(data_dir)
}

fn create(path: &Path) -> Result<Vec<u8>, SecretError> {
    let err = |source| SecretError::Create {
        path: path.to_owned(),
        source,
    };
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(err)?;
    }
    let key = random_bytes::<32>().map_err(err)?;
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = match options.open(path) {
        Ok(file) => file,
        // Another gateway on the same directory created it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return load_or_create(path.parent().unwrap_or(Path::new(".")))
        }
        Err(e) => return Err(err(e)),
    };
    file.write_all(hex::encode(key).as_bytes()).map_err(err)?;
    file.sync_all().map_err(err)?;
    tracing::info!(path = %path.display(), "generated a new consent-cookie signing key");
    Ok(key.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_created_once_and_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let first = load_or_create(dir.path()).expect("created");
        assert_eq!(first.len(), 32);
        let second = load_or_create(dir.path()).expect("read back");
        assert_eq!(first, second);
        fs::write(dir.path().join(SECRET_FILE), "zz").expect("write");
        assert!(matches!(
            load_or_create(dir.path()),
            Err(SecretError::Unreadable { .. })
        ));
    }
}
