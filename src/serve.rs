//! `ambito serve`: a local preview of the built site on 127.0.0.1.

use std::net::SocketAddr;
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};

/// Serves `dir` on `addr` until Ctrl+C. Unknown paths get the site's
/// `404.html` with status 404, as on a real web server.
pub async fn serve_dir(dir: &Path, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let not_found = ServeFile::new(dir.join("404.html"));
    let service = ServeDir::new(dir)
        .append_index_html_on_directories(true)
        .not_found_service(not_found);
    let app = axum::Router::new().fallback_service(service);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

/// Binds the preview address, with a clear message when the port is taken.
pub async fn bind(port: u16) -> std::io::Result<(tokio::net::TcpListener, SocketAddr)> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    Ok((listener, addr))
}
