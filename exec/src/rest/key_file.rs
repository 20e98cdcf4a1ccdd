//! Credentials from a key file: `KEY=value` lines with the same names as the environment
//! variables (`PARADEX_L2_PRIVATE_KEY`, `PARADEX_CHAIN_ID`, `PARADEX_ACCOUNT_ADDRESS`), `#`
//! comments, blank lines, an optional `export ` prefix and optional quotes around values — so
//! the same file can be `source`d by a shell. The file must be private to its owner
//! (`chmod 600`): one readable by group or others is refused.

use std::path::Path;

use zeroize::Zeroizing;

use super::auth::Credentials;
use super::error::{RestError, RestResult};

const KEY_VAR: &str = "PARADEX_L2_PRIVATE_KEY";
const CHAIN_VAR: &str = "PARADEX_CHAIN_ID";
const ACCOUNT_VAR: &str = "PARADEX_ACCOUNT_ADDRESS";

impl Credentials {
    /// Reads a key file (see the module docs for its format).
    ///
    /// # Errors
    /// A file that cannot be read, that group or others may read (mode & 0o077 ≠ 0), with a
    /// line that is not `KEY=value`, an unknown or repeated key, a missing one, or a malformed
    /// value. No error ever contains the private key.
    pub fn from_file(path: impl AsRef<Path>) -> RestResult<Self> {
        let path = path.as_ref();
        let invalid =
            |what: String| RestError::Invalid(format!("key file {}: {what}", path.display()));
        check_private(path).map_err(&invalid)?;
        let text =
            Zeroizing::new(std::fs::read_to_string(path).map_err(|e| invalid(e.to_string()))?);
        let (mut key, mut chain, mut account) = (None, None, None);
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let line = line.strip_prefix("export ").unwrap_or(line);
            let Some((name, value)) = line.split_once('=') else {
                return Err(invalid(format!("line {}: expected KEY=value", n + 1)));
            };
            let slot = match name.trim() {
                KEY_VAR => &mut key,
                CHAIN_VAR => &mut chain,
                ACCOUNT_VAR => &mut account,
                other => {
                    return Err(invalid(format!(
                        "line {}: unknown key {other:?} (expected {KEY_VAR}, {CHAIN_VAR}, {ACCOUNT_VAR})",
                        n + 1
                    )));
                }
            };
            if slot.is_some() {
                return Err(invalid(format!(
                    "line {}: {} given twice",
                    n + 1,
                    name.trim()
                )));
            }
            *slot = Some(Zeroizing::new(unquote(value.trim()).to_owned()));
        }
        let missing = |name: &str| invalid(format!("{name} is missing"));
        let key = key.ok_or_else(|| missing(KEY_VAR))?;
        let chain = chain.ok_or_else(|| missing(CHAIN_VAR))?;
        let account = account.ok_or_else(|| missing(ACCOUNT_VAR))?;
        Self::new(&key, &chain, &account).map_err(|e| invalid(e.to_string()))
    }
}

fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|v| v.strip_suffix(quote))
        {
            return inner;
        }
    }
    value
}

#[cfg(unix)]
fn check_private(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|e| e.to_string())?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(format!(
            "readable by group or others (mode {:o}); run `chmod 600 {}` first",
            mode & 0o777,
            path.display()
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path) -> Result<(), String> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    const KEY: &str = "0x1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcde";
    const ACCOUNT: &str = "0x3a5e6ca3f7d55722bfb79595c96bd41dba9980fe2abf5c0577591a135ec6dc4";

    /// A file removed on drop.
    struct TempFile(PathBuf);

    impl TempFile {
        fn new(text: &str, mode: u32) -> Self {
            static COUNTER: AtomicU32 = AtomicU32::new(0);
            let path = std::env::temp_dir().join(format!(
                "paradex-exec-key-{}-{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            ));
            std::fs::write(&path, text).expect("write");
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
            Self(path)
        }
    }

    impl Drop for TempFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    fn good() -> String {
        format!(
            "# Paradex testnet\nexport PARADEX_L2_PRIVATE_KEY=\"{KEY}\"\n\nPARADEX_CHAIN_ID=PRIVATE_SN_POTC_SEPOLIA\nPARADEX_ACCOUNT_ADDRESS='{ACCOUNT}'\n"
        )
    }

    #[test]
    fn reads_a_private_file() {
        let file = TempFile::new(&good(), 0o600);
        let creds = Credentials::from_file(&file.0).expect("credentials");
        assert_eq!(creds.account(), ACCOUNT);
        let same = Credentials::new(KEY, "PRIVATE_SN_POTC_SEPOLIA", ACCOUNT).expect("direct");
        assert_eq!(creds.signer().public_key(), same.signer().public_key());
        assert!(!format!("{creds:?}").contains("1234567890abcdef"));
    }

    #[test]
    fn refuses_a_file_others_can_read() {
        for mode in [0o644, 0o640, 0o604, 0o660] {
            let file = TempFile::new(&good(), mode);
            let err = Credentials::from_file(&file.0)
                .expect_err("too open")
                .to_string();
            assert!(err.contains("chmod 600"), "{err}");
            assert!(!err.contains("1234567890abcdef"), "{err}");
        }
    }

    #[test]
    fn bad_files_are_clear_errors_without_the_key() {
        let cases = [
            (
                good().replace("PARADEX_CHAIN_ID", "PARADEX_CHAIN"),
                "unknown key",
            ),
            (good() + &format!("PARADEX_L2_PRIVATE_KEY={KEY}\n"), "twice"),
            (
                good().replace("PARADEX_ACCOUNT_ADDRESS", "#"),
                "PARADEX_ACCOUNT_ADDRESS is missing",
            ),
            (
                good().replace("PARADEX_CHAIN_ID=", "PARADEX_CHAIN_ID "),
                "KEY=value",
            ),
            (
                good().replace(KEY, "0xzz34567890abcdef1234567890abcdef"),
                "key",
            ),
        ];
        for (text, expected) in cases {
            let file = TempFile::new(&text, 0o600);
            let err = Credentials::from_file(&file.0)
                .expect_err(expected)
                .to_string();
            assert!(err.contains(expected), "{err}");
            assert!(!err.contains("1234567890abcdef"), "{err}");
        }
        let missing = Credentials::from_file("/nonexistent/paradex.key").expect_err("missing");
        assert!(missing.to_string().contains("/nonexistent/paradex.key"));
    }
}
