//! What the browser suites look for in a page: a hook installed in every frame before the
//! page's own scripts (`__xss`, and `alert`, `confirm`, `prompt`) that records each call, and
//! a scan of the loaded page for those calls, for links and frames that would run script when
//! followed, and for JSON-LD that is not JSON. The site's Content-Security-Policy is bypassed,
//! so the only thing between a payload and an execution is Byline's escaping.

use super::corpus::Payload;
use super::harness::Browser;
use serde_json::{Value, json};
use std::time::Duration;

/// Installed in every frame before the page's own scripts.
const HOOK: &str = r#"(function () {
  // Kept in the origin's storage (it outlives a navigation the payload starts); where a
  // frame has none, in the top window.
  var record = function (n) {
    try {
      var a = JSON.parse(localStorage.getItem('__xss_hits') || '[]');
      a.push(String(n));
      localStorage.setItem('__xss_hits', JSON.stringify(a));
    } catch (e) {
      try { (window.top.__xssHits = window.top.__xssHits || []).push(String(n)); } catch (e2) {}
    }
  };
  Object.defineProperty(window, '__xss', { value: record, writable: false, configurable: false });
  window.alert = window.confirm = window.prompt = function (m) { record('alert:' + m); };
})();"#;

/// What a page did: calls of the hook, links that would run script, JSON-LD that is not JSON.
const SCAN: &str = r#"
var out = { hits: (window.__xssHits || []).slice(), bad: [], ld: [] };
try { out.hits = out.hits.concat(JSON.parse(localStorage.getItem('__xss_hits') || '[]'));
      localStorage.removeItem('__xss_hits'); } catch (e) {}
window.__xssHits = [];
var attrs = ['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'background', 'poster'];
document.querySelectorAll('*').forEach(function (el) {
  if (el.hasAttribute('srcdoc')) out.bad.push(el.tagName + ' srcdoc');
  attrs.forEach(function (a) {
    var v = el.getAttribute(a);
    if (v === null) return;
    var t = v.replace(/[\u0000-\u0020]/g, '').toLowerCase();
    if (/^(javascript|vbscript|data:text\/html)/.test(t)) out.bad.push(el.tagName + ' ' + a + '=' + v);
  });
});
document.querySelectorAll('script[type="application/ld+json"]').forEach(function (s) {
  try { JSON.parse(s.textContent); } catch (e) { out.ld.push(e.message); }
});
return JSON.stringify(out);
"#;

/// Bypasses the CSP and installs [`HOOK`] for every document the browser opens.
pub async fn install(b: &Browser) {
    let cdp = b.web.cdp();
    cdp.send_raw("Page.enable", json!({})).await.unwrap();
    cdp.send_raw("Page.setBypassCSP", json!({"enabled": true})).await.unwrap();
    cdp.send_raw("Page.addScriptToEvaluateOnNewDocument", json!({"source": HOOK})).await.unwrap();
}

/// Scans the page the browser is on; returns the scan and a line for each thing that ran or
/// would run (naming the payload, from `corpus`, when it can).
pub async fn scan(b: &Browser, corpus: &[Payload], label: &str) -> (Value, Vec<String>) {
    tokio::time::sleep(Duration::from_millis(120)).await;
    let raw = b.web.execute(SCAN, vec![]).await.unwrap_or_else(|e| panic!("{label}: {e}"));
    let v: Value = serde_json::from_str(raw.json().as_str().unwrap()).unwrap();
    let mut failures = Vec::new();
    for (what, key) in [("ran", "hits"), ("would run when followed", "bad"), ("JSON-LD", "ld")] {
        for item in v[key].as_array().unwrap() {
            // A hit names its payload: say which, from which family and context.
            let payload = item.as_str().and_then(|i| i.parse::<usize>().ok());
            let payload = payload.and_then(|i| corpus.get(i));
            let of = payload.map_or(String::new(), |p| {
                format!(" (payload {} of {}, {:?}: {})", p.id, p.family, p.context, p.text)
            });
            failures.push(format!("{label}: {what}: {item}{of}"));
        }
    }
    (v, failures)
}

/// The control: on the page the browser is on (served with its CSP, which would block both
/// without the bypass), the hook records a handler that runs and the scan sees a script link.
pub async fn control(b: &Browser) {
    let control = "<img src=x onerror=\"__xss('control')\"><a href=' javascript:void(0)'>x</a>";
    b.web
        .execute(
            "document.body.insertAdjacentHTML('beforeend', arguments[0])",
            vec![json!(control)],
        )
        .await
        .unwrap();
    let (v, _) = scan(b, &[], "control").await;
    assert_eq!(v["hits"], json!(["control"]), "the hook did not record the control's call");
    assert_eq!(v["bad"].as_array().unwrap().len(), 1, "the scan missed the control's link: {v}");
}
