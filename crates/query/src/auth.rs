//! Admin authentication: a bearer token compared in constant time.
//!
//! With no token configured the admin endpoints answer 404, as if they did not exist: there is
//! nothing to log in to, and probing them reveals nothing. With a token, a missing or wrong
//! `Authorization: Bearer …` header answers 401.

use subtle::ConstantTimeEq as _;

/// Whether `header` (the raw `Authorization` value) carries `token`.
pub(crate) fn authorized(header: Option<&[u8]>, token: &str) -> bool {
    let Some(header) = header else {
        return false;
    };
    let Some(given) = header
        .strip_prefix(b"Bearer ")
        .or_else(|| header.strip_prefix(b"bearer "))
    else {
        return false;
    };
    let given = given.trim_ascii();
    bool::from(given.ct_eq(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_bearer_token_passes() {
        assert!(authorized(Some(b"Bearer s3cret"), "s3cret"));
        assert!(authorized(Some(b"bearer s3cret "), "s3cret"));
        assert!(!authorized(None, "s3cret"));
        assert!(!authorized(Some(b"s3cret"), "s3cret"));
        assert!(!authorized(Some(b"Bearer s3cre"), "s3cret"));
        assert!(!authorized(Some(b"Bearer s3cret2"), "s3cret"));
        assert!(!authorized(Some(b"Basic s3cret"), "s3cret"));
        assert!(!authorized(Some(b"Bearer "), "s3cret"));
    }
}
