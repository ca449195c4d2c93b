//! Old addresses of imported sites: a GET that would be not found or sent on to its slashed
//! form (and the home page asked with a query, as WordPress's `/?p=123`) first looks the
//! address up among the kept old addresses and answers 301 to where it leads now. A live page always wins, since only
//! what is not found is looked up (the home page's query is otherwise ignored).

use super::moved;
use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use byline_core::old_address::normalise;
use byline_render::urls;
use byline_store::Destination;

/// The middleware over the public routes.
pub(crate) async fn redirect(State(s): State<AppState>, req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return next.run(req).await;
    }
    let path = req.uri().path().to_owned();
    let query = req.uri().query().map(str::to_owned);
    if path == "/" && query.is_some() {
        if let Some(r) = lookup(&s, &path, query.as_deref()).await {
            return r;
        }
        return next.run(req).await;
    }
    let res = next.run(req).await;
    // Not found, or about to be sent on to the slashed form (which may well be not found
    // too): an old address answers at once, in one hop.
    let slashless = res.status() == StatusCode::PERMANENT_REDIRECT && !path.ends_with('/');
    if res.status() != StatusCode::NOT_FOUND && !slashless {
        return res;
    }
    lookup(&s, &path, query.as_deref()).await.unwrap_or(res)
}

/// The 301 for `path?query` if it is a kept old address leading somewhere other than itself.
async fn lookup(s: &AppState, path: &str, query: Option<&str>) -> Option<Response> {
    let dest = match s.store.old_address_destination(path, query).await {
        Ok(d) => d,
        Err(e) if e.is_not_found() => return None,
        Err(e) => {
            tracing::warn!(error = %e, path, "could not look up an old address");
            return None;
        }
    };
    let to = url(&dest);
    let asked = normalise(&match query {
        Some(q) => format!("{path}?{q}"),
        None => path.to_owned(),
    });
    if normalise(&to) == asked {
        return None;
    }
    moved::permanent(&to).ok()
}

/// The site path of a destination.
pub(crate) fn url(d: &Destination) -> String {
    match d {
        Destination::Home => "/".to_owned(),
        Destination::SiteFeed => "/feed.xml".to_owned(),
        Destination::Article(slug) => urls::article(slug),
        Destination::Page(slug) => urls::page(slug),
        Destination::Author(slug) => urls::author(slug),
        Destination::AuthorFeed(slug) => format!("{}feed.xml", urls::author(slug)),
        Destination::Term(tax, term) => urls::term(tax, term),
        Destination::TermFeed(tax, term) => format!("{}feed.xml", urls::term(tax, term)),
    }
}
