//! The Ghost Content API row (issue 16): the same request, a page of 15 posts with their
//! tags and authors, to Byline's `/ghost/api/content/` and to Ghost's own, each with a key
//! of its own, checked for the same shape before it is loaded.

use crate::http;
use crate::report::Value;
use crate::wrk::{self, Load, WrkResult};
use std::net::SocketAddr;

/// The request measured, less the key.
pub const REQUEST: &str = "/ghost/api/content/posts/?limit=15&include=tags,authors";

/// The request with `key` (a Content API key) added.
pub fn path(key: &str) -> String {
    format!("{REQUEST}&key={key}")
}

/// Asks once and checks that the answer is a page of 15 posts, each with tags and authors
/// included (so both servers do the same work).
pub fn check(addr: SocketAddr, path: &str) -> Result<(), String> {
    let r = http::get(addr, path).map_err(|e| format!("{e:#}"))?;
    if r.status != 200 {
        return Err(format!("{REQUEST} answered {}: {}", r.status, r.text()));
    }
    let json: serde_json::Value = serde_json::from_slice(&r.body).map_err(|e| e.to_string())?;
    let posts = json["posts"].as_array().map_or(&[][..], Vec::as_slice);
    let complete = |p: &serde_json::Value| {
        ["tags", "authors"].iter().all(|k| p[*k].as_array().is_some_and(|l| !l.is_empty()))
    };
    if posts.len() != 15 || !posts.iter().all(complete) {
        return Err(format!(
            "{REQUEST} gave {} posts, not 15 each with tags and authors",
            posts.len()
        ));
    }
    Ok(())
}

/// Checks, then loads the request with wrk: requests/s (or why not) and wrk's numbers.
pub fn load(load: &Load, addr: SocketAddr, path: &str) -> (Value, Result<WrkResult, String>) {
    let measured = check(addr, path)
        .and_then(|()| wrk::measure(load, addr, path).map_err(|e| format!("{e:#}")));
    let rps = wrk::rps(&measured);
    (rps, measured)
}
