//! Stripe's side of a webhook delivery: the events Stripe sends, and their `Stripe-Signature`
//! made by Stripe's own library (npm `stripe`, `webhooks.generateTestHeaderString`), run by
//! node through `BYLINE_STRIPE_SIGNER` (which .ci/run sets). Without it the tests that need
//! a signature print why and skip, except under CI, where they fail.

use serde_json::{Value, json};

/// The webhook signing secret the tests configure (`stripe_webhook_secret`).
pub const WEBHOOK_SECRET: &str = "whsec_byline_test_secret";

/// The command that signs payloads with Stripe's library, or `None` (a failure in CI).
pub fn signer() -> Option<Vec<String>> {
    match std::env::var("BYLINE_STRIPE_SIGNER") {
        Ok(s) if !s.trim().is_empty() => Some(s.split_whitespace().map(str::to_owned).collect()),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must set BYLINE_STRIPE_SIGNER (node with npm stripe; see .ci/run)"
            );
            eprintln!("note: BYLINE_STRIPE_SIGNER is not set; webhooks not signed by Stripe");
            None
        }
    }
}

/// The `Stripe-Signature` header Stripe's library makes for `payload` (now, or at `at`).
pub fn sign(signer: &[String], payload: &str, secret: &str, at: Option<i64>) -> String {
    use std::io::Write;
    let mut cmd = std::process::Command::new(&signer[0]);
    cmd.args(&signer[1..]).arg(secret);
    if let Some(t) = at {
        cmd.arg(t.to_string());
    }
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run the Stripe signer");
    child.stdin.take().unwrap().write_all(payload.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "the Stripe signer failed");
    let header = String::from_utf8(out.stdout).unwrap();
    assert!(header.starts_with("t=") && header.contains(",v1="), "{header}");
    header
}

/// A Stripe event of type `kind` about `object`, as a webhook delivery's body.
pub fn event(id: &str, kind: &str, object: Value) -> String {
    json!({
        "id": id, "object": "event", "api_version": "2025-03-31.basil", "created": 1_764_400_000,
        "livemode": false, "pending_webhooks": 1, "type": kind,
        "request": {"id": null, "idempotency_key": null},
        "data": {"object": object},
    })
    .to_string()
}
