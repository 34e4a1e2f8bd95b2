//! Native HTTPS (`planwatch serve --tls-cert FILE --tls-key FILE`) for intranets without a
//! reverse proxy: rustls (ring provider, TLS 1.2 and 1.3) in front of the same router. Each
//! connection's handshake has a deadline, so a client that opens connections and says nothing
//! cannot hold them; on shutdown the listener stops and open connections finish their requests.

use super::AppState;
use anyhow::{Context as _, bail};
use axum::extract::ConnectInfo;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject as _;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// How long a client has to complete the TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The server's TLS settings from a PEM certificate chain and a PEM private key (PKCS#8, PKCS#1
/// or SEC1). Errors name the file and what is wrong with it.
pub fn server_config(cert: &Path, key: &Path) -> anyhow::Result<Arc<rustls::ServerConfig>> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .with_context(|| format!("无法读取证书文件 {}", cert.display()))?
        .collect::<Result<_, _>>()
        .with_context(|| format!("证书文件 {} 不是有效的 PEM 证书", cert.display()))?;
    if certs.is_empty() {
        bail!(
            "证书文件 {} 中没有证书（应为 PEM 格式，以 -----BEGIN CERTIFICATE----- 开头）",
            cert.display()
        );
    }
    let key = PrivateKeyDer::from_pem_file(key).with_context(|| {
        format!(
            "私钥文件 {} 中没有可用的私钥（应为 PEM 格式的 PKCS#8、RSA 或 EC 私钥）",
            key.display()
        )
    })?;
    // ring, not aws-lc-rs: it builds with only a C compiler (no cmake, far shorter build). rustls
    // marks ring's provider deprecated for lacking post-quantum key exchange, which intranet
    // browsers of government offices do not offer anyway.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("TLS 协议版本设置失败")?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .context("证书与私钥不匹配，或私钥类型不受支持")?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Serves HTTPS until `shutdown` resolves, then lets open connections finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    config: Arc<rustls::ServerConfig>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let router = super::router(state);
    let acceptor = TlsAcceptor::from(config);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(x) => x,
                Err(e) => {
                    // Out of descriptors and the like: wait a moment instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let acceptor = acceptor.clone();
        let router = router.clone();
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            let tls = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                Ok(Ok(s)) => s,
                Ok(Err(e)) => {
                    tracing::debug!(%peer, error = %e, "TLS handshake failed");
                    return;
                }
                Err(_) => {
                    tracing::debug!(%peer, "TLS handshake timed out");
                    return;
                }
            };
            let service = hyper::service::service_fn(
                move |mut req: hyper::Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(ConnectInfo(peer));
                    let router = router.clone();
                    async move {
                        use tower::ServiceExt as _;
                        router.oneshot(req.map(axum::body::Body::new)).await
                    }
                },
            );
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(Duration::from_secs(30))
                .serve_connection(hyper_util::rt::TokioIo::new(tls), service);
            if let Err(e) = watcher.watch(conn).await {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}
