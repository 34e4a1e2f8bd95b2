//! The stylesheet, script and icons, embedded in the binary (no CDN: the app runs on government
//! intranets). Pages link them as `/assets/NAME?v=VERSION`, where the version is a hash of all
//! assets, so browsers may cache them for a year and still see every new release.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

#[derive(rust_embed::Embed)]
#[folder = "assets/"]
struct Assets;

/// A short hash of every asset's content.
pub fn version() -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| {
        let mut h = Sha256::new();
        let mut names: Vec<_> = Assets::iter().collect();
        names.sort();
        for name in names {
            h.update(name.as_bytes());
            if let Some(f) = Assets::get(&name) {
                h.update(&f.data);
            }
        }
        h.finalize()
            .iter()
            .take(5)
            .map(|b| format!("{b:02x}"))
            .collect()
    })
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}

pub async fn serve(Path(file): Path<String>) -> Response {
    match Assets::get(&file) {
        Some(f) => {
            let mut res = f.data.into_owned().into_response();
            let h = res.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(content_type(&file)),
            );
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            );
            res
        }
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stylesheet_is_embedded_and_the_version_is_stable() {
        assert!(Assets::get("app.css").is_some());
        assert_eq!(version(), version());
        assert_eq!(version().len(), 10);
    }
}
