//! The accept loop of `byline serve`, with the limits `axum::serve` lacks: a header-read
//! timeout, an idle timeout, a cap on open connections, and a clear log line (and a pause,
//! not a spin) when the process runs out of file descriptors.
//!
//! - HTTP/1: a request's head must arrive within `header_timeout` of the connection opening
//!   or of the previous response (so the timeout also closes idle keep-alive connections).
//! - Any connection (HTTP/1 or HTTP/2) on which no byte moves for `idle_timeout` is shut
//!   down gracefully (a request in progress finishes; HTTP/2 gets GOAWAY), and dropped if it
//!   is still silent after another `idle_timeout`.
//! - At `max_connections` open connections the loop stops accepting until one closes; new
//!   clients wait in the kernel's backlog instead of taking the process's last descriptors.

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tower::ServiceExt;

/// Descriptors kept back from the connection cap for the database, logs and media files.
const RESERVED_FILES: u64 = 128;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
}

/// Raises the soft open-file limit to the hard one and returns the connection cap that fits
/// under it: `wanted`, or fewer (with a warning) when the limit leaves no room for that many.
pub fn fit_cap_to_file_limit(wanted: usize) -> usize {
    let limit = match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(n) => n,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read or raise the open-file limit");
            return wanted;
        }
    };
    let room = usize::try_from(limit.saturating_sub(RESERVED_FILES).max(16)).unwrap_or(usize::MAX);
    if room < wanted {
        tracing::warn!(
            open_file_limit = limit,
            max_connections = room,
            "the open-file limit (ulimit -n) leaves room for {room} connections, not the \
             {wanted} of max_connections; raise the limit to allow more"
        );
        room
    } else {
        tracing::info!(open_file_limit = limit, max_connections = wanted, "connection limits");
        wanted
    }
}

/// Connections the kernel may hold completed but not yet accepted. Tokio's `bind` asks for
/// 1,024; a burst of thousands of readers arriving at once (a link shared widely) overflows
/// that while the loop accepts, and a client whose handshake the full queue dropped is reset
/// a minute later. The kernel caps the number at `net.core.somaxconn` (4,096 on Linux since
/// 5.4).
const LISTEN_BACKLOG: u32 = 8192;

/// Listens on `addr` with room for [`LISTEN_BACKLOG`] waiting connections (and
/// `SO_REUSEADDR`, as `TcpListener::bind` sets it, so a restart can listen at once).
pub fn listen(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Serves `app` on `listener` until `shutdown` completes, then waits for open connections
/// to finish their requests.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut shutdown = pin!(shutdown);
    let mut cap_log = RateLimitedLog::default();
    let mut file_log = RateLimitedLog::default();
    loop {
        let permit = match permits.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(_) => {
                cap_log.warn(|| {
                    tracing::warn!(
                        max_connections = limits.max_connections,
                        "connection cap reached: new connections wait until one closes"
                    )
                });
                tokio::select! {
                    p = permits.clone().acquire_owned() => p.expect("the semaphore is never closed"),
                    () = &mut shutdown => break,
                }
            }
        };
        let accepted = tokio::select! {
            a = listener.accept() => a,
            () = &mut shutdown => break,
        };
        match accepted {
            Ok((stream, remote)) => {
                let app = app.clone();
                let stop = stop_rx.clone();
                tokio::spawn(async move {
                    connection(stream, remote, app, limits, stop).await;
                    drop(permit);
                });
            }
            Err(e) if is_out_of_files(&e) => {
                file_log.warn(|| {
                    tracing::error!(
                        error = %e,
                        "cannot accept connections: out of file descriptors; lower \
                         max_connections or raise the open-file limit (ulimit -n)"
                    )
                });
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            Err(e) => tracing::debug!(error = %e, "accept failed"),
        }
    }
    drop(listener);
    drop(stop_rx);
    let _ = stop_tx.send(true);
    // Every connection task holds a receiver; they are gone once the last one ends.
    stop_tx.closed().await;
}

fn is_out_of_files(e: &std::io::Error) -> bool {
    // EMFILE (the process's limit) and ENFILE (the system's).
    matches!(e.raw_os_error(), Some(24 | 23))
}

async fn connection(
    stream: TcpStream,
    remote: SocketAddr,
    app: Router,
    limits: Limits,
    mut stop: watch::Receiver<bool>,
) {
    let started = Instant::now();
    let last = Arc::new(AtomicU64::new(0));
    let io = TokioIo::new(Watched { inner: stream, started, last: last.clone() });
    let service = tower::service_fn(move |mut req: axum::http::Request<Incoming>| {
        req.extensions_mut().insert(ConnectInfo(remote));
        app.clone().oneshot(req.map(Body::new))
    });
    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
    builder.http2().timer(TokioTimer::new());
    let mut conn =
        pin!(builder.serve_connection_with_upgrades(io, TowerToHyperService::new(service)));
    let mut closing = false;
    loop {
        let quiet_since = started + Duration::from_millis(last.load(Ordering::Relaxed));
        let mut wake = quiet_since + limits.idle_timeout;
        if closing {
            wake += limits.idle_timeout;
        }
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, %remote, "connection ended with an error");
                }
                break;
            }
            changed = stop.changed(), if !*stop.borrow() => {
                if changed.is_ok() && !closing {
                    conn.as_mut().graceful_shutdown();
                    closing = true;
                }
            }
            () = tokio::time::sleep_until(wake.into()) => {
                let now_quiet = started + Duration::from_millis(last.load(Ordering::Relaxed));
                if now_quiet > quiet_since {
                    continue; // bytes moved meanwhile
                }
                if closing {
                    tracing::debug!(%remote, "dropping a connection still silent after shutdown");
                    break;
                }
                tracing::debug!(%remote, "closing an idle connection");
                conn.as_mut().graceful_shutdown();
                closing = true;
            }
        }
    }
    drop(stop);
}

/// A stream that notes when bytes last moved, in milliseconds after `started`.
struct Watched {
    inner: TcpStream,
    started: Instant,
    last: Arc<AtomicU64>,
}

impl Watched {
    fn touch(&self) {
        let ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.store(ms, Ordering::Relaxed);
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.touch();
        }
        r
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        r
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        r
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Lets a warning through at most once a minute, so a flood cannot flood the log too.
#[derive(Default)]
struct RateLimitedLog {
    last: Option<Instant>,
}

impl RateLimitedLog {
    fn warn(&mut self, log: impl FnOnce()) {
        if self.last.is_none_or(|t| t.elapsed() >= Duration::from_secs(60)) {
            self.last = Some(Instant::now());
            log();
        }
    }
}
