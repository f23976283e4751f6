//! Encryption at rest for identity numbers and TOTP secrets, and keyed hashes to find them.
//!
//! 《个人信息保护法》第二十八条 counts identity numbers as sensitive personal information and
//! 第五十一条 asks for encryption. Values are sealed with XChaCha20-Poly1305 (random 192-bit
//! nonce, so no nonce bookkeeping across nodes); an HMAC-SHA256 "blind index" under a separate
//! derived key lets a clerk find a person by exact number without decrypting every row.

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use crate::DbError;

const NONCE_LEN: usize = 24;

/// Keys derived from the one configured secret. Cloning shares nothing mutable.
#[derive(Clone)]
pub struct Crypto {
    cipher: XChaCha20Poly1305,
    index_key: [u8; 32],
    checkin_key: [u8; 32],
}

impl std::fmt::Debug for Crypto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Crypto(..)")
    }
}

fn derive(master: &[u8], label: &[u8]) -> [u8; 32] {
    // HMAC as a PRF keyed by the master secret: one independent key per label.
    let mut out = [0u8; 32];
    if let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(master) {
        mac.update(label);
        out.copy_from_slice(&mac.finalize().into_bytes());
    }
    out
}

impl Crypto {
    /// Derives the encryption and index keys from the configured secret (any length ≥ 32 bytes).
    pub fn new(master_secret: &[u8]) -> Self {
        let enc = derive(master_secret, b"redbranch/v1/encrypt");
        let index_key = derive(master_secret, b"redbranch/v1/blind-index");
        Self {
            cipher: XChaCha20Poly1305::new(&enc.into()),
            index_key,
            checkin_key: derive(master_secret, b"redbranch/v1/meeting-checkin"),
        }
    }

    /// nonce ‖ ciphertext ‖ tag.
    pub fn seal(&self, plain: &str) -> Result<Vec<u8>, DbError> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::thread_rng().fill_bytes(&mut nonce);
        let ct = self
            .cipher
            .encrypt(XNonce::from_slice(&nonce), plain.as_bytes())
            .map_err(|_| DbError::Corrupt("encryption failed".into()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        Ok(out)
    }

    pub fn open(&self, sealed: &[u8]) -> Result<String, DbError> {
        if sealed.len() < NONCE_LEN {
            return Err(DbError::Corrupt("sealed value too short".into()));
        }
        let (nonce, ct) = sealed.split_at(NONCE_LEN);
        let plain = self
            .cipher
            .decrypt(XNonce::from_slice(nonce), ct)
            .map_err(|_| DbError::Corrupt("cannot decrypt: wrong key or altered value".into()))?;
        String::from_utf8(plain).map_err(|_| DbError::Corrupt("decrypted value is not text".into()))
    }

    /// The keyed hash by which an exact value is found.
    pub fn blind_index(&self, value: &str) -> String {
        let mut out = String::new();
        if let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(&self.index_key) {
            mac.update(value.as_bytes());
            out = hex::encode(mac.finalize().into_bytes());
        }
        out
    }
}

impl Crypto {
    /// The dynamic check-in code of a meeting for one 30-second window: a keyed hash under its
    /// own derived key, so every node that shares the secret computes and checks the same code
    /// without storing anything (docs/adr/0006-meeting-check-in-codes.md). 80 bits, hex.
    pub fn checkin_code(&self, meeting_id: i64, window: i64) -> String {
        let mut out = String::new();
        if let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(&self.checkin_key) {
            mac.update(format!("meeting:{meeting_id}:{window}").as_bytes());
            out = hex::encode(&mac.finalize().into_bytes()[..10]);
        }
        out
    }

    /// Whether `code` is the meeting's code for one of `windows`, compared in constant time.
    pub fn checkin_code_matches(&self, meeting_id: i64, windows: &[i64], code: &str) -> bool {
        windows.iter().any(|w| {
            let want = self.checkin_code(meeting_id, *w);
            want.len() == code.len()
                && want
                    .bytes()
                    .zip(code.bytes())
                    .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                    == 0
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealing_round_trips_and_is_not_deterministic() {
        let c = Crypto::new(b"0123456789abcdef0123456789abcdef");
        let a = c.seal("11010519491231002X").unwrap();
        let b = c.seal("11010519491231002X").unwrap();
        assert_ne!(a, b);
        assert_eq!(c.open(&a).unwrap(), "11010519491231002X");
    }

    #[test]
    fn another_key_cannot_open_it() {
        let a = Crypto::new(b"0123456789abcdef0123456789abcdef")
            .seal("x")
            .unwrap();
        assert!(
            Crypto::new(b"fedcba9876543210fedcba9876543210")
                .open(&a)
                .is_err()
        );
    }

    #[test]
    fn blind_index_is_stable_and_keyed() {
        let c = Crypto::new(b"0123456789abcdef0123456789abcdef");
        assert_eq!(c.blind_index("x"), c.blind_index("x"));
        assert_ne!(
            c.blind_index("x"),
            Crypto::new(b"another-secret-another-secret-00").blind_index("x")
        );
    }
}
