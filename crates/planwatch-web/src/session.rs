//! Sessions: a random token in an HttpOnly, SameSite=Strict cookie; the database keeps only its
//! SHA-256 hash, so a leaked database cannot be used to sign in. The signed-in user is looked up
//! on every request (no cache), so revoking a session or disabling a user takes effect at once on
//! every app server.
//!
//! CSRF tokens are derived from the cookie's secret (the session token, or before sign-in a
//! separate pre-session token): a page can only show the right token if the browser holds the
//! cookie, and a cross-site form cannot read it.

use super::AppState;
use super::error::WebError;
use super::policy::{self, Permission};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use planwatch_store::User;
use sha2::{Digest, Sha256};

/// The session cookie.
pub const SESSION_COOKIE: &str = "pw_session";
/// The pre-session cookie that carries the sign-in form's CSRF secret.
pub const PRE_COOKIE: &str = "pw_pre";

/// The session cookie's name: with native TLS it carries the `__Host-` prefix (the browser then
/// accepts it only with `Secure`, `Path=/` and no `Domain`, so no other site or plain-HTTP page
/// can plant or overwrite it).
pub fn session_cookie(state: &AppState) -> &'static str {
    if state.config().tls {
        "__Host-pw_session"
    } else {
        SESSION_COOKIE
    }
}

/// The pre-session cookie's name (see [`session_cookie`]).
pub fn pre_cookie(state: &AppState) -> &'static str {
    if state.config().tls {
        "__Host-pw_pre"
    } else {
        PRE_COOKIE
    }
}

/// A new random token: 32 bytes from the operating system, as 64 hex digits.
pub fn new_token() -> Result<String, WebError> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b)
        .map_err(|e| WebError::Internal(anyhow::anyhow!("no randomness for a token: {e}")))?;
    Ok(hex(&b))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

/// What the database stores for a token.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(
        format!("planwatch-session:{token}").as_bytes(),
    ))
}

/// The CSRF token that goes with a cookie secret.
pub fn csrf_token(secret: &str) -> String {
    hex(&Sha256::digest(
        format!("planwatch-csrf:{secret}").as_bytes(),
    ))[..40]
        .to_string()
}

/// Compares two tokens in time that does not depend on where they differ.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The value of a cookie, from every `Cookie` header of the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Whether cookies must carry `Secure`: configured, or the request came through a TLS proxy.
pub fn secure(state: &AppState, headers: &HeaderMap) -> bool {
    state.config().secure_cookies
        || state.config().tls
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"))
}

/// The client's address: the peer, or behind a proxy (`--behind-proxy`) the last address the
/// proxy appended to `X-Forwarded-For` (earlier entries are whatever the client sent).
pub fn client_ip(
    state: &AppState,
    peer: std::net::IpAddr,
    headers: &HeaderMap,
) -> std::net::IpAddr {
    if !state.config().behind_proxy {
        return peer;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .next_back()
        .unwrap_or(peer)
}

/// A `Set-Cookie` value. `max_age` 0 deletes the cookie.
pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Strict{secure}")
}

/// The signed-in user of a request. Extracting it fails with [`WebError::NotSignedIn`] when the
/// request has no valid session.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    /// The CSRF token every form on the page must carry.
    pub csrf: String,
    token: String,
}

impl CurrentUser {
    /// Refuses with 403 unless the user's role has the permission.
    pub fn require(&self, p: Permission) -> Result<(), WebError> {
        if policy::allows(self.user.role, p) {
            Ok(())
        } else {
            Err(WebError::Forbidden(policy::refusal(self.user.role, p)))
        }
    }

    pub fn can(&self, p: Permission) -> bool {
        policy::allows(self.user.role, p)
    }

    /// The hash of this request's session token (to revoke the session).
    pub fn session_hash(&self) -> String {
        token_hash(&self.token)
    }
}

fn path_and_query(parts: &Parts) -> String {
    parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".to_string())
}

/// The person whose session the cookie of `headers` was when this server last saw it (for any
/// access version): a guess for the request's version round (`snapshot::hint`), which the
/// session lookup then checks.
pub fn guessed_user(headers: &HeaderMap, state: &AppState) -> Option<i64> {
    let token = cookie(headers, session_cookie(state))?;
    state.cached_session_user(&token_hash(&token))
}

async fn lookup(parts: &Parts, state: &AppState) -> Result<Option<CurrentUser>, WebError> {
    let Some(token) = cookie(&parts.headers, session_cookie(state)) else {
        return Ok(None);
    };
    let user = state
        .session_user(&token_hash(&token), planwatch_app::now())
        .await?;
    Ok(user.map(|user| CurrentUser {
        user,
        csrf: csrf_token(&token),
        token,
    }))
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        if let Some(u) = parts.extensions.get::<CurrentUser>() {
            return Ok(u.clone());
        }
        match lookup(parts, state).await? {
            Some(u) => {
                parts.extensions.insert(u.clone());
                Ok(u)
            }
            None => Err(WebError::NotSignedIn {
                next: path_and_query(parts),
            }),
        }
    }
}

/// The signed-in user if there is one (pages that anyone may see, such as the sign-in page).
pub struct MaybeUser(pub Option<CurrentUser>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        Ok(MaybeUser(lookup(parts, state).await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn tokens_are_64_hex_digits_and_never_repeat() {
        let a = new_token().expect("randomness");
        let b = new_token().expect("randomness");
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn the_stored_hash_and_the_csrf_token_do_not_reveal_the_token() {
        let t = "ab".repeat(32);
        assert_ne!(token_hash(&t), t);
        assert!(!token_hash(&t).contains(&csrf_token(&t)));
        assert_eq!(csrf_token(&t), csrf_token(&t));
        assert_ne!(csrf_token(&t), csrf_token(&"cd".repeat(32)));
    }

    #[test]
    fn cookies_are_found_among_others_and_junk_is_ignored() {
        let mut h = HeaderMap::new();
        h.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; pw_session=abc123"),
        );
        h.append(header::COOKIE, HeaderValue::from_static("pw_pre=<script>"));
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("abc123"));
        assert_eq!(cookie(&h, PRE_COOKIE), None);
        assert_eq!(cookie(&h, "missing"), None);
    }

    #[test]
    fn a_session_cookie_is_http_only_and_strict() {
        let c = set_cookie(SESSION_COOKIE, "x", 60, true);
        assert!(c.contains("HttpOnly"));
        assert!(c.contains("SameSite=Strict"));
        assert!(c.ends_with("; Secure"));
        assert!(!set_cookie(SESSION_COOKIE, "x", 60, false).contains("Secure"));
    }

    #[test]
    fn token_comparison_needs_the_whole_token() {
        assert!(same_token("abcd", "abcd"));
        assert!(!same_token("abcd", "abce"));
        assert!(!same_token("abcd", "abc"));
    }
}
