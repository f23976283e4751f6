//! Running the HTTP server, with graceful shutdown on Ctrl-C / SIGTERM.

use std::net::SocketAddr;

use anyhow::Context;
use redbranch_web::{AppState, router};

pub async fn serve(state: AppState, bind: &str) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("无法监听 / cannot listen on {bind}"))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "listening");
    println!("RedBranch 已启动 / listening on http://{addr}");
    redbranch_web::pipeline::due::spawn_daily(state.clone());
    redbranch_web::notices::remind::spawn_daily(state.clone());
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await
    .context("server error")
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
