//! Blind RSA signatures over full-domain hashes (RSA-FDH), the arithmetic of the secret ballot
//! (ADR 0007).
//!
//! The voter's browser makes a random token, hashes it onto the whole of `Z_n` ([`fdh`]),
//! multiplies it by `r^e` ([`blind`]); the server, which knows who is asking, raises that to
//! `d` ([`sign_blinded`]) without learning the hash; the browser divides by `r` ([`unblind`]) and
//! holds a signature on its token that the server has never seen. Anyone with the public key
//! checks a ballot with [`verify`]. `assets/ballot.js` is the browser's side of the same
//! arithmetic; `fdh` here and there must agree byte for byte.

pub use num_bigint_dig::BigUint;
use num_bigint_dig::{ModInverse, RandBigInt};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use sha2::{Digest, Sha256};

/// Bits of every election key: RSA-2048, the floor of current guidance (NIST SP 800-57).
pub const KEY_BITS: usize = 2048;

/// Bytes of a ballot token (256 random bits, hex in transit).
pub const TOKEN_BYTES: usize = 32;

/// A public key as published: modulus and exponent, lowercase hex.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PublicKey {
    pub n: String,
    pub e: String,
}

/// What the server keeps (sealed) to sign: the modulus and the private exponent, hex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningKey {
    pub n: BigUint,
    pub d: BigUint,
}

impl SigningKey {
    /// `n:d` in hex, the form that is sealed into the database.
    pub fn to_text(&self) -> String {
        format!("{}:{}", self.n.to_str_radix(16), self.d.to_str_radix(16))
    }

    pub fn from_text(s: &str) -> Option<Self> {
        let (n, d) = s.split_once(':')?;
        Some(Self {
            n: BigUint::parse_bytes(n.as_bytes(), 16)?,
            d: BigUint::parse_bytes(d.as_bytes(), 16)?,
        })
    }
}

/// A fresh key pair for one election.
pub fn generate<R: rand::CryptoRng + rand::RngCore>(
    rng: &mut R,
    bits: usize,
) -> Result<(PublicKey, SigningKey), rsa::Error> {
    let k = rsa::RsaPrivateKey::new(rng, bits)?;
    let n = k.n().clone();
    let public = PublicKey {
        n: n.to_str_radix(16),
        e: k.e().to_str_radix(16),
    };
    Ok((
        public,
        SigningKey {
            n,
            d: k.d().clone(),
        },
    ))
}

/// Parses lowercase or uppercase hex into a number; `None` for anything else (or nothing).
pub fn parse_hex(s: &str) -> Option<BigUint> {
    let s = s.trim();
    if s.is_empty() || s.len() > 2048 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    BigUint::parse_bytes(s.as_bytes(), 16)
}

/// A well-formed token: exactly [`TOKEN_BYTES`] bytes as 64 lowercase hex digits.
pub fn is_token(s: &str) -> bool {
    s.len() == TOKEN_BYTES * 2 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The message a token stands for in election `election`: binding the election id in means a
/// signature from one election's key can never count in another, even if keys were reused.
fn message(election: i64, token: &str) -> String {
    format!("redbranch-ballot:{election}:{token}")
}

/// Full-domain hash of a token onto `[0, n)`: SHA-256 of a 4-byte big-endian counter followed
/// by the message, blocks concatenated to the byte length of `n`, read big-endian, reduced mod n.
pub fn fdh(n: &BigUint, election: i64, token: &str) -> BigUint {
    let len = n.to_bytes_be().len();
    let msg = message(election, token);
    let mut out = Vec::with_capacity(len + 32);
    let mut counter: u32 = 0;
    while out.len() < len {
        let mut h = Sha256::new();
        h.update(counter.to_be_bytes());
        h.update(msg.as_bytes());
        out.extend_from_slice(&h.finalize());
        counter += 1;
    }
    out.truncate(len);
    BigUint::from_bytes_be(&out) % n
}

/// The server's one act: `blinded^d mod n`. It learns nothing about the token inside.
pub fn sign_blinded(key: &SigningKey, blinded: &BigUint) -> Option<BigUint> {
    if blinded >= &key.n || blinded == &BigUint::from(0u8) {
        return None;
    }
    Some(blinded.modpow(&key.d, &key.n))
}

/// Does `sig` sign `token` for `election` under `(n, e)`?
pub fn verify(n: &BigUint, e: &BigUint, election: i64, token: &str, sig: &BigUint) -> bool {
    sig < n && sig.modpow(e, n) == fdh(n, election, token)
}

/// Client side: a blinding factor `r` invertible mod n, and `fdh · r^e mod n`.
pub fn blind<R: rand::CryptoRng + rand::RngCore>(
    rng: &mut R,
    (n, e): (&BigUint, &BigUint),
    election: i64,
    token: &str,
) -> (BigUint, BigUint) {
    let two = BigUint::from(2u8);
    loop {
        let r = rng.gen_biguint_range(&two, n);
        if r.clone().mod_inverse(n).is_some() {
            let m = fdh(n, election, token);
            return ((m * r.modpow(e, n)) % n, r);
        }
    }
}

/// Client side: the signature on the token, `s' · r^{-1} mod n`.
pub fn unblind(n: &BigUint, blind_sig: &BigUint, r: &BigUint) -> Option<BigUint> {
    let inv = r.clone().mod_inverse(n)?.to_biguint()?;
    Some((blind_sig * inv) % n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> (PublicKey, SigningKey) {
        // 1024 bits keeps the unit test fast; the arithmetic does not depend on the size.
        generate(&mut rand::thread_rng(), 1024).unwrap()
    }

    #[test]
    fn an_unblinded_signature_verifies_and_the_server_never_saw_the_hash() {
        let (pk, sk) = key();
        let n = parse_hex(&pk.n).unwrap();
        let e = parse_hex(&pk.e).unwrap();
        let token = "ab".repeat(32);
        let (blinded, r) = blind(&mut rand::thread_rng(), (&n, &e), 7, &token);
        assert_ne!(blinded, fdh(&n, 7, &token));
        let s = sign_blinded(&sk, &blinded).unwrap();
        let sig = unblind(&n, &s, &r).unwrap();
        assert!(verify(&n, &e, 7, &token, &sig));
        // The same signature does not count in another election or for another token.
        assert!(!verify(&n, &e, 8, &token, &sig));
        assert!(!verify(&n, &e, 7, &"cd".repeat(32), &sig));
    }

    #[test]
    fn a_forged_signature_is_refused() {
        let (pk, _) = key();
        let n = parse_hex(&pk.n).unwrap();
        let e = parse_hex(&pk.e).unwrap();
        assert!(!verify(
            &n,
            &e,
            1,
            &"00".repeat(32),
            &BigUint::from(12345u32)
        ));
        assert!(!verify(&n, &e, 1, &"00".repeat(32), &n));
    }

    #[test]
    fn the_signing_key_survives_its_text_form() {
        let (_, sk) = key();
        assert_eq!(SigningKey::from_text(&sk.to_text()), Some(sk));
        assert_eq!(SigningKey::from_text("zz:1"), None);
    }

    #[test]
    fn tokens_are_64_lowercase_hex_digits() {
        assert!(is_token(&"0f".repeat(32)));
        assert!(!is_token(&"0F".repeat(32)));
        assert!(!is_token(&"0f".repeat(31)));
        assert_eq!(parse_hex("xyz"), None);
        assert_eq!(parse_hex(""), None);
    }

    #[test]
    fn the_hash_fills_the_modulus_and_is_stable() {
        // A known value pins the byte layout the browser's ballot.js must reproduce.
        let n = BigUint::parse_bytes(
            b"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            16,
        )
        .unwrap();
        let h = fdh(&n, 1, &"00".repeat(32));
        assert!(h < n);
        // SHA-256(0u32 ‖ msg) ‖ SHA-256(1u32 ‖ msg), first 33 bytes, mod n (computed apart).
        assert_eq!(
            h.to_str_radix(16),
            "783fafe34515a2c2152d6c6ae0a3efaed57f9fd450f3cb74baa8ef1c80e19d8f65"
        );
    }
}
