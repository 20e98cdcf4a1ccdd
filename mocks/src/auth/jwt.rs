//! JWTs like Paradex's (`typ: at+JWT`, `sub` = account, `exp − iat` = 300 s), signed HS256
//! with a per-process secret instead of Paradex's ES384. Clients only decode `exp` and `sub`;
//! they never verify the signature, so the algorithm does not change their behaviour.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::error::{AuthError, AuthResult};

type HmacSha256 = Hmac<Sha256>;

/// Token lifetime, as on Paradex.
pub const TOKEN_TTL_SECS: u64 = 300;

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    typ: String,
    exp: u64,
    iat: u64,
    iss: String,
    sub: String,
}

/// HS256 signing key. `Debug` never shows it.
pub(crate) struct JwtKey {
    secret: [u8; 32],
}

impl fmt::Debug for JwtKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JwtKey(<redacted>)")
    }
}

impl JwtKey {
    pub(crate) fn random() -> Self {
        Self {
            secret: rand::random(),
        }
    }

    fn mac(&self) -> HmacSha256 {
        // HMAC takes keys of any length; 32 bytes cannot fail.
        HmacSha256::new_from_slice(&self.secret).expect("HMAC accepts a 32-byte key")
    }

    /// A token for `subject` issued at `now` (unix seconds), valid for `ttl` seconds.
    pub(crate) fn issue(&self, subject: &str, now: u64, ttl: u64) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let claims = Claims {
            typ: "at+JWT".to_owned(),
            exp: now + ttl,
            iat: now,
            iss: "Paradex mock".to_owned(),
            sub: subject.to_owned(),
        };
        let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).expect("claims serialize"));
        let signing_input = format!("{header}.{body}");
        let mut mac = self.mac();
        mac.update(signing_input.as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{signing_input}.{signature}")
    }

    /// The subject of a valid, unexpired token.
    pub(crate) fn verify(&self, token: &str, now: u64) -> AuthResult<String> {
        let mut parts = token.split('.');
        let (Some(header), Some(body), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(AuthError::InvalidToken("malformed token"));
        };
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| AuthError::InvalidToken("malformed signature"))?;
        let mut mac = self.mac();
        mac.update(header.as_bytes());
        mac.update(b".");
        mac.update(body.as_bytes());
        mac.verify_slice(&signature)
            .map_err(|_| AuthError::InvalidToken("signature mismatch"))?;
        let claims: Claims = URL_SAFE_NO_PAD
            .decode(body)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or(AuthError::InvalidToken("malformed claims"))?;
        if claims.exp <= now {
            return Err(AuthError::ExpiredToken);
        }
        Ok(claims.sub)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issues_verifies_and_expires() {
        let key = JwtKey::random();
        let token = key.issue("0xabc", 1_000, TOKEN_TTL_SECS);
        assert_eq!(key.verify(&token, 1_000).unwrap(), "0xabc");
        assert_eq!(key.verify(&token, 1_299).unwrap(), "0xabc");
        assert_eq!(key.verify(&token, 1_300), Err(AuthError::ExpiredToken));
        let other = JwtKey::random();
        assert!(matches!(
            other.verify(&token, 1_000),
            Err(AuthError::InvalidToken(_))
        ));
        let mut tampered = token.clone();
        tampered.insert(token.find('.').unwrap() + 2, 'x');
        assert!(key.verify(&tampered, 1_000).is_err());
        assert!(key.verify("a.b", 1_000).is_err());
        assert!(!format!("{key:?}").contains(&format!("{:?}", key.secret)));
    }
}
