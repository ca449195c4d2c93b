//! One signed POST: the body as JSON, `X-Ghost-Signature: sha256=<hex>, t=<ms>`, to the address
//! the guard allowed, no redirects followed, a 2xx answer counting as delivered.

use crate::guard;
use std::time::Duration;

/// How one try went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub status: Option<u16>,
    /// `None` when the receiver answered 2xx.
    pub error: Option<String>,
}

/// POSTs `body` to `target`, signed with `secret`.
pub async fn post(
    target: &str,
    secret: &str,
    body: &[u8],
    allow_private: bool,
    timeout: Duration,
) -> Outcome {
    let fail = |status: Option<u16>, e: String| Outcome { status, error: Some(e) };
    let url = match url::Url::parse(target) {
        Ok(u) => u,
        Err(e) => return fail(None, format!("not a URL: {e}")),
    };
    let addr = match guard::resolve(&url, allow_private).await {
        Ok(a) => a,
        Err(why) => return fail(None, why),
    };
    let host = url.host_str().unwrap_or_default().to_owned();
    let client = match reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout)
        .resolve(&host, addr)
        .user_agent(concat!("Byline/", env!("CARGO_PKG_VERSION"), " (webhooks)"))
        .build()
    {
        Ok(c) => c,
        Err(e) => return fail(None, format!("could not make an HTTP client: {e}")),
    };
    let t_ms = chrono::Utc::now().timestamp_millis();
    let res = client
        .post(url)
        .header("content-type", "application/json")
        .header("x-ghost-signature", byline_core::webhooks::signature(secret, body, t_ms))
        .body(body.to_vec())
        .send()
        .await;
    match res {
        Ok(r) if r.status().is_success() => {
            Outcome { status: Some(r.status().as_u16()), error: None }
        }
        Ok(r) => {
            let s = r.status().as_u16();
            fail(Some(s), format!("the receiver answered {s}"))
        }
        Err(e) if e.is_timeout() => fail(None, format!("no answer within {} s", timeout.as_secs())),
        Err(e) => fail(None, format!("could not reach it: {e}")),
    }
}
