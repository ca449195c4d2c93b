//! The loads beside the four pages, on Byline with the cache on: the members-only article
//! for a signed-in member (issue 11) and the Ghost Content API request (issue 16).

use crate::content_api;
use crate::process::Server;
use crate::report::{LoadRow, SizeResult, Value};
use crate::run::{Pages, Run};
use crate::{http, wrk};
use std::path::Path;

impl Run<'_> {
    /// wrk on the members-only article with a paid member's cookie (from
    /// `byline member-pass`), after checking that the member gets the full text and an
    /// anonymous reader the preview; requests/s, or why not.
    pub(crate) fn load_gated(
        &self,
        server: &mut Server,
        data: &Path,
        path: &str,
        result: &mut SizeResult,
    ) -> Value {
        eprintln!("[{}] wrk Byline, signed-in member: gated {path}", result.articles);
        let cookie = self.byline.member_cookie(data).map_err(|e| format!("{e:#}"))?;
        let get = |headers: &[(&str, &str)]| {
            http::request(server.addr, "GET", path, headers, &[]).map_err(|e| format!("{e:#}"))
        };
        let (member, anon) = (get(&[("cookie", &cookie)])?, get(&[])?);
        let full = |r: &http::Response| r.text().contains("class=\"members-only\">");
        if member.status != 200 || !full(&member) || full(&anon) {
            return Err(format!(
                "the member did not get the full text of {path} (status {}), or an anonymous \
                 reader did",
                member.status
            ));
        }
        let header = format!("Cookie: {cookie}");
        let load = match &self.tools["wrk"] {
            Ok(_) => wrk::measure_with(&self.load, server.addr, path, Some(&header))
                .map_err(|e| format!("{e:#}")),
            Err(why) => Err(why.clone()),
        };
        let rps = wrk::rps(&load);
        result.loads.push(LoadRow {
            server: "Byline, cache on, signed-in member".to_owned(),
            page: format!("gated article `{path}`"),
            result: load,
            peak_rss_mb: None,
        });
        rps
    }

    /// wrk on the Ghost Content API request with Byline's key.
    pub(crate) fn load_content_api(
        &self,
        server: &Server,
        pages: &Pages,
        result: &mut SizeResult,
    ) -> Value {
        eprintln!("[{}] wrk Byline, cache on: {}", result.articles, content_api::REQUEST);
        let (rps, run) = match (&pages.content_api, &self.tools["wrk"]) {
            (Ok(path), Ok(_)) => content_api::load(&self.load, server.addr, path),
            (Err(why), _) | (_, Err(why)) => (Err(why.clone()), Err(why.clone())),
        };
        result.loads.push(LoadRow {
            server: "Byline, cache on".to_owned(),
            page: format!("Content API `{}`", content_api::REQUEST),
            result: run,
            peak_rss_mb: None,
        });
        rps
    }
}
