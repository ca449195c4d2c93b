//! Newsletters on the site: one-click unsubscribing (RFC 8058: a POST to the link in the
//! `List-Unsubscribe` header unsubscribes, with no login and no page; a GET only shows a
//! button, since mail scanners follow links), the web page of a sent issue ("View in
//! browser", cut to what the reader may read), the public archive of sent issues with an
//! email-only subscribe form (the join link confirms the address), and the members' choice
//! of newsletters on their account page.

use crate::members::pages::{message, page};
use crate::public::render::PageFrame;
use crate::{AppState, WebError};
use axum::Router;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use byline_core::members::Reader;
use byline_core::newsletters::unsubscribe_token_matches;
use byline_mail::{IssueContext, Personal};
use byline_render::view::{NewsletterArchivePage, NewsletterChoice, NewsletterUnsubscribePage};
use serde::Deserialize;
use std::collections::HashMap;

/// The routes. None is cached: the unsubscribe page acts on one person, and an issue's page
/// depends on its reader.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/newsletters/", get(archive))
        .route("/newsletters/issues/{id}/", get(issue))
        .route("/newsletters/unsubscribe/", get(unsubscribe_page).post(unsubscribe))
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct UnsubscribeQuery {
    #[serde(default)]
    m: String,
    #[serde(default)]
    t: String,
    #[serde(default)]
    n: Option<String>,
    #[serde(default)]
    s: Option<i64>,
}

/// Checks the link's token; `Err` with the page that says the link is not valid.
async fn checked(state: &AppState, q: &UnsubscribeQuery) -> Result<Result<(), Response>, WebError> {
    let key = state.member_key().await?;
    if q.m.len() > 64 || !unsubscribe_token_matches(&key, &q.m, &q.t) {
        let text = "This unsubscribe link is not complete or not valid. Sign in and choose your \
                    newsletters on your account page instead.";
        let r = message(
            state,
            StatusCode::BAD_REQUEST,
            "Link not valid",
            text,
            Some(("Sign in", "/members/signin/")),
        )
        .await?;
        return Ok(Err(r));
    }
    Ok(Ok(()))
}

async fn newsletter_name(state: &AppState, slug: Option<&str>) -> Result<String, WebError> {
    Ok(match slug {
        Some(s) => match state.store.newsletter(s).await {
            Ok(n) => n.name,
            Err(e) if e.is_not_found() => return Err(WebError::NotFound),
            Err(e) => return Err(e.into()),
        },
        None => "every newsletter".to_owned(),
    })
}

pub(crate) async fn unsubscribe_page(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    Query(q): Query<UnsubscribeQuery>,
) -> Result<Response, WebError> {
    if let Err(r) = checked(&state, &q).await? {
        return Ok(r);
    }
    let name = newsletter_name(&state, q.n.as_deref()).await?;
    let chrome = PageFrame::load(&state).await?;
    let action = format!("/newsletters/unsubscribe/?{}", raw.unwrap_or_default());
    let view = NewsletterUnsubscribePage::new(&chrome.site, &name, &action);
    page(&state, StatusCode::OK, "newsletter_unsubscribe.html", &view)
}

/// The one-click POST (from a mail client, with `List-Unsubscribe=One-Click`) or the page's
/// button: unsubscribes at once. Unsubscribing twice says the same.
pub(crate) async fn unsubscribe(
    State(state): State<AppState>,
    Query(q): Query<UnsubscribeQuery>,
) -> Result<Response, WebError> {
    if let Err(r) = checked(&state, &q).await? {
        return Ok(r);
    }
    let name = newsletter_name(&state, q.n.as_deref()).await?;
    match state.store.unsubscribe(&q.m, q.n.as_deref(), q.s).await {
        Ok(_) => {}
        // The member was deleted: they get nothing any more.
        Err(e) if e.is_not_found() => {}
        Err(e) => return Err(e.into()),
    }
    let text = format!(
        "You will get no more issues of {name}. You can choose again on your account page."
    );
    message(
        &state,
        StatusCode::OK,
        "You are unsubscribed",
        &text,
        Some(("Your account", "/members/account/")),
    )
    .await
}

/// The archive of sent issues, newest first, with the subscribe form.
pub(crate) async fn archive(State(state): State<AppState>) -> Result<Response, WebError> {
    let chrome = PageFrame::load(&state).await?;
    let mut view = NewsletterArchivePage::new(&chrome.site);
    for s in state.store.sends(200, true).await? {
        if s.counts.sent > 0 {
            view.push(s.id, &s.subject, &s.newsletter_name, s.finished_at.unwrap_or(s.created_at));
        }
    }
    let mut r = (StatusCode::OK, Html(state.theme.render("newsletter_archive.html", &view)?))
        .into_response();
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(r)
}

/// The web page of a sent issue, as the email was, with each gated article cut to its
/// preview for readers without access.
pub(crate) async fn issue(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    reader: Reader,
) -> Result<Response, WebError> {
    let send = match state.store.send(id).await {
        Ok(s) if s.counts.sent > 0 || s.state == "done" => s,
        Ok(_) => return Err(WebError::NotFound),
        Err(e) if e.is_not_found() => return Err(WebError::NotFound),
        Err(e) => return Err(e.into()),
    };
    let newsletter = state.store.send_newsletter(&send).await?;
    let publication = state.store.publication().await?;
    let base = publication
        .base_url
        .clone()
        .filter(|b| !b.trim().is_empty())
        .unwrap_or_else(|| state.base_url.clone());
    let base = base.trim_end_matches('/').to_owned();
    let articles: Vec<_> = state
        .store
        .published_articles_by_id(&send.article_ids)
        .await?
        .into_iter()
        .map(|a| a.for_reader(&reader))
        .collect();
    if articles.is_empty() {
        return Err(WebError::NotFound);
    }
    let ctx = IssueContext {
        base_url: base.clone(),
        publication: publication.title,
        postal_address: state.postal_address.clone(),
        newsletter,
        subject: send.subject.clone(),
        web_url: format!("{base}/newsletters/issues/{id}/"),
    };
    let account = format!("{base}/members/account/");
    let (html, _) = ctx
        .render(&articles)
        .personal(&Personal { unsubscribe_url: account.clone(), manage_url: account });
    let mut r = (StatusCode::OK, Html(html)).into_response();
    let h = r.headers_mut();
    // The email's own styles are inline; nothing else is allowed.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; img-src * data:; style-src 'unsafe-inline'; base-uri 'none'; \
             form-action 'none'; frame-ancestors 'self'",
        ),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    Ok(r)
}

/// The newsletters on offer (open ones, paid-only ones for paid readers), ticked as `chosen`.
pub(crate) async fn choices(
    state: &AppState,
    paid: bool,
    chosen: Option<&[String]>,
) -> Result<Vec<NewsletterChoice>, WebError> {
    Ok(state
        .store
        .newsletters()
        .await?
        .into_iter()
        .filter(|n| !n.archived)
        .filter(|n| paid || n.audience == byline_core::newsletters::Audience::Members)
        .map(|n| NewsletterChoice {
            checked: chosen.map_or(n.subscribe_by_default, |c| c.contains(&n.slug)),
            slug: n.slug,
            name: n.name,
            description: n.description,
        })
        .collect())
}

/// The slugs ticked in a form (`newsletter-SLUG` fields).
pub(crate) fn ticked(form: &HashMap<String, String>) -> Vec<String> {
    let mut out: Vec<String> =
        form.keys().filter_map(|k| k.strip_prefix("newsletter-")).map(str::to_owned).collect();
    out.sort();
    out
}
