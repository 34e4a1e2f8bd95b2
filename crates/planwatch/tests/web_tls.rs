//! Native HTTPS (`serve --tls-cert --tls-key`): a real server with a throwaway self-signed
//! certificate made by `openssl`, spoken to by `curl`. Pages and sign-in work over TLS, cookies
//! are `Secure` with the `__Host-` prefix, HSTS is sent, and plain HTTP on the same port gets
//! no page. Bad key files are refused at start with the file named.

mod common;
mod web_support;

use std::path::Path;
use std::process::Command;
use web_support::{PASSWORD, Server};

fn make_cert(dir: &Path) {
    let out = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ])
        .arg("-keyout")
        .arg(dir.join("key.pem"))
        .arg("-out")
        .arg(dir.join("cert.pem"))
        .output()
        .expect("openssl (scripts/test.sh installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `curl` against the server, trusting only the test certificate; returns (head, body).
fn curl(dir: &Path, args: &[&str]) -> (String, String) {
    let out = Command::new("curl")
        .args(["-sS", "-D", "-", "--cacert"])
        .arg(dir.join("cert.pem"))
        .args(["--cookie-jar"])
        .arg(dir.join("jar"))
        .args(["--cookie"])
        .arg(dir.join("jar"))
        .args(args)
        .output()
        .expect("curl (scripts/test.sh installs it)");
    assert!(
        out.status.success(),
        "curl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    (head.to_string(), body.to_string())
}

#[test]
fn sign_in_works_over_tls_with_secure_host_cookies() {
    let certs = tempfile::tempdir().expect("folder");
    make_cert(certs.path());
    let cert = certs.path().join("cert.pem");
    let key = certs.path().join("key.pem");
    let server = Server::start_with(
        None,
        &[
            "--tls-cert",
            cert.to_str().expect("utf-8"),
            "--tls-key",
            key.to_str().expect("utf-8"),
        ],
    );
    assert!(
        server.base.starts_with("https://127.0.0.1:"),
        "{}",
        server.base
    );
    let (head, body) = curl(certs.path(), &[&format!("{}/login", server.base)]);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        head.contains("strict-transport-security: max-age="),
        "{head}"
    );
    let pre = head
        .lines()
        .find(|l| l.to_lowercase().starts_with("set-cookie: __host-pw_pre="))
        .unwrap_or_else(|| panic!("a __Host- pre-session cookie: {head}"));
    assert!(pre.contains("Secure") && pre.contains("Path=/"), "{pre}");
    let csrf: String = body
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .expect("a CSRF field")
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    let (head, _) = curl(
        certs.path(),
        &[
            "--data-urlencode",
            &format!("csrf={csrf}"),
            "--data-urlencode",
            "username=office",
            "--data-urlencode",
            &format!("password={PASSWORD}"),
            &format!("{}/login", server.base),
        ],
    );
    assert!(head.starts_with("HTTP/1.1 303"), "{head}");
    let session = head
        .lines()
        .find(|l| {
            l.to_lowercase()
                .starts_with("set-cookie: __host-pw_session=")
        })
        .unwrap_or_else(|| panic!("a __Host- session cookie: {head}"));
    assert!(
        session.contains("Secure") && session.contains("HttpOnly"),
        "{session}"
    );
    let (head, body) = curl(certs.path(), &[&format!("{}/", server.base)]);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(body.contains("驾驶舱"), "signed in over TLS");
    // Plain HTTP to the TLS port gets no page.
    let plain = server.base.replace("https://", "http://");
    let out = Command::new("curl")
        .args(["-sS", "--max-time", "5", &format!("{plain}/healthz")])
        .output()
        .expect("curl");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("ok"));
}

#[test]
fn a_key_that_is_not_a_key_is_refused_at_start_with_the_file_named() {
    let certs = tempfile::tempdir().expect("folder");
    make_cert(certs.path());
    let bad = certs.path().join("not-a-key.pem");
    std::fs::write(&bad, "hello").expect("write");
    let data = tempfile::tempdir().expect("folder");
    let out = common::planwatch(Some(data.path()), None)
        .args(["serve", "--addr", "127.0.0.1:0", "--tls-cert"])
        .arg(certs.path().join("cert.pem"))
        .arg("--tls-key")
        .arg(&bad)
        .output()
        .expect("planwatch runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not-a-key.pem") && err.contains("私钥"),
        "{err}"
    );
}
