//! Newsletters in the admin: the newsletters (adding, editing and archiving one are in
//! `newsletter`), the send screen (an article, a
//! newsletter and a segment; a preview at desktop and phone widths in both versions; a test
//! send to one address), the history of sends with their counts, one send's progress (the
//! page refreshes itself while it sends) with its failures and the server's answers and
//! "Retry failed", and the suppression list. The same store use cases serve
//! `byline newsletter` and the Admin API.

use super::fields::{done, refused};
use super::frame::{Layout, SignedIn, render};
use crate::{AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use byline_core::members::Reader;
use byline_core::newsletters::{Segment, SuppressionReason};
use byline_core::staff::Action;
use byline_mail::deliver::Outgoing;
use byline_mail::{IssueContext, Outcome, Personal};
use serde::{Deserialize, Serialize};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/newsletters", get(list).post(super::newsletter::create))
        .route("/admin/newsletters/send", post(send))
        .route("/admin/newsletters/preview", get(preview))
        .route("/admin/newsletters/test", post(test_send))
        .route("/admin/newsletters/sends/{id}", get(show_send))
        .route("/admin/newsletters/sends/{id}/retry", post(retry))
        .route("/admin/newsletters/suppressions", post(suppress))
        .route("/admin/newsletters/suppressions/remove", post(unsuppress))
}

const SECTION: &str = "/admin/newsletters";

#[derive(Deserialize, Default)]
struct Compose {
    #[serde(default)]
    article: String,
    #[serde(default)]
    newsletter: String,
    #[serde(default)]
    segment: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    email: String,
}

#[derive(Serialize)]
struct NewsletterRow {
    slug: String,
    name: String,
    audience: &'static str,
    default: bool,
    digest: Option<String>,
    subscribers: u64,
    archived: bool,
}

#[derive(Serialize)]
struct SendRow {
    id: i64,
    subject: String,
    newsletter: String,
    segment: String,
    state: String,
    waiting: Option<String>,
    counts: byline_core::newsletters::SendCounts,
    created: String,
}

#[derive(Serialize)]
struct View {
    newsletters: Vec<NewsletterRow>,
    sends: Vec<SendRow>,
    suppressions: Vec<byline_core::newsletters::Suppression>,
    compose: ComposeView,
    tracking: byline_core::newsletters::Tracking,
}

#[derive(Serialize, Default)]
struct ComposeView {
    article: String,
    newsletter: String,
    segment: String,
    /// Preview addresses (full and preview versions) once an article is chosen.
    previews: Vec<(String, String)>,
    may_test: bool,
}

fn send_row(s: byline_core::newsletters::Send) -> SendRow {
    SendRow {
        id: s.id,
        subject: s.subject,
        newsletter: s.newsletter_name,
        segment: s.segment.as_string(),
        state: s.state,
        waiting: s.last_error,
        counts: s.counts,
        created: s.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
    }
}

fn query(c: &Compose, version: &str) -> String {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    format!(
        "/admin/newsletters/preview?article={}&newsletter={}&version={version}",
        enc(&c.article),
        enc(&c.newsletter)
    )
}

async fn list(
    State(state): State<AppState>,
    who: SignedIn,
    Query(c): Query<Compose>,
) -> Result<Response, WebError> {
    who.require(Action::ViewMembers)?;
    let counts = state.store.newsletter_subscriber_counts().await?;
    let newsletters = state
        .store
        .newsletters()
        .await?
        .into_iter()
        .map(|n| NewsletterRow {
            subscribers: counts.iter().find(|(id, _)| *id == n.id).map_or(0, |c| c.1),
            slug: n.slug,
            name: n.name,
            audience: n.audience.as_str(),
            default: n.subscribe_by_default,
            digest: n.digest.map(|d| d.as_string()),
            archived: n.archived,
        })
        .collect();
    let sends = state.store.sends(50, false).await?.into_iter().map(send_row).collect();
    let suppressions = state.store.suppressions().await?;
    let compose = ComposeView {
        previews: if c.article.trim().is_empty() {
            Vec::new()
        } else {
            vec![
                ("Members with access".into(), query(&c, "full")),
                ("Members without access".into(), query(&c, "preview")),
            ]
        },
        may_test: state.newsletter_delivery.is_some(),
        article: c.article,
        newsletter: c.newsletter,
        segment: if c.segment.is_empty() { "all".into() } else { c.segment },
    };
    let layout = Layout::signed_in(&state, &who, "Newsletters", SECTION).await?;
    let tracking = state.store.newsletter_tracking().await?;
    let view = View { newsletters, sends, suppressions, compose, tracking };
    render(&state, "newsletters.html", layout, view)
}

async fn send(
    State(state): State<AppState>,
    who: SignedIn,
    Form(c): Form<Compose>,
) -> Result<Response, WebError> {
    who.require(Action::ViewMembers)?;
    let segment = match Segment::parse(&c.segment) {
        Ok(s) => s,
        Err(e) => return refused(&who, WebError::Conflict(format!("segment: {e}")), SECTION).await,
    };
    let newsletter = (!c.newsletter.is_empty()).then_some(c.newsletter.as_str());
    match state.store.email_article(c.article.trim(), newsletter, &segment, &who.actor()).await {
        Ok(s) if s.state == "scheduled" => Ok(done(
            &who,
            format!("{:?} will be emailed when the article is published.", s.subject),
            SECTION,
        )
        .await),
        Ok(s) => Ok(done(
            &who,
            format!("{:?} is on its way to {} recipient(s).", s.subject, s.counts.total),
            &format!("{SECTION}/sends/{}", s.id),
        )
        .await),
        Err(e) => refused(&who, e.into(), SECTION).await,
    }
}

/// The issue an article would make, for the preview and the test send.
async fn issue(
    state: &AppState,
    c: &Compose,
    full: bool,
) -> Result<(byline_core::newsletters::Newsletter, byline_mail::Issue), WebError> {
    let article = match state.store.published_article(c.article.trim()).await {
        Ok(a) => a,
        Err(e) if e.is_not_found() => {
            return Err(WebError::Conflict(format!(
                "article: no published article has the slug {:?}",
                c.article.trim()
            )));
        }
        Err(e) => return Err(e.into()),
    };
    let newsletter = match c.newsletter.trim() {
        "" => state
            .store
            .newsletters()
            .await?
            .into_iter()
            .find(|n| !n.archived)
            .ok_or(WebError::NotFound)?,
        slug => state.store.newsletter(slug).await?,
    };
    let publication = state.store.publication().await?;
    let base = publication
        .base_url
        .clone()
        .filter(|b| !b.trim().is_empty())
        .unwrap_or_else(|| state.base_url.clone());
    let base = base.trim_end_matches('/').to_owned();
    let article = if full { article } else { article.for_reader(&Reader::Anonymous) };
    let ctx = IssueContext {
        base_url: base.clone(),
        publication: publication.title,
        postal_address: state.postal_address.clone(),
        newsletter: newsletter.clone(),
        subject: article.title.clone(),
        web_url: format!("{base}/newsletters/"),
    };
    Ok((newsletter, ctx.render(&[article])))
}

/// The email as HTML (framed by the send screen at two widths).
async fn preview(
    State(state): State<AppState>,
    who: SignedIn,
    Query(c): Query<Compose>,
) -> Result<Response, WebError> {
    who.require(Action::ViewMembers)?;
    let (_, issue) = issue(&state, &c, c.version != "preview").await?;
    let account = format!("{}/members/account/", state.base_url);
    let (html, _) =
        issue.personal(&Personal { unsubscribe_url: account.clone(), manage_url: account });
    let mut r = Html(html).into_response();
    r.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; img-src * data:; style-src 'unsafe-inline'; frame-ancestors 'self'",
        ),
    );
    Ok(r)
}

/// Sends the issue (the full version) to one address, marked as a test.
async fn test_send(
    State(state): State<AppState>,
    who: SignedIn,
    Form(c): Form<Compose>,
) -> Result<Response, WebError> {
    who.require(Action::ViewMembers)?;
    let back = format!("{SECTION}?article={}", c.article.trim());
    let Some(delivery) = state.newsletter_delivery.clone() else {
        let why = "no SMTP server is configured (smtp_host), so nothing can be sent".to_owned();
        return refused(&who, WebError::Conflict(why), &back).await;
    };
    let to = c.email.trim().to_lowercase();
    if !byline_core::newsletters::looks_like_email(&to) {
        return refused(
            &who,
            WebError::Conflict(format!("email: {to:?} is not an address")),
            &back,
        )
        .await;
    }
    let (newsletter, issue) = match issue(&state, &c, true).await {
        Ok(x) => x,
        Err(e) => return refused(&who, e, &back).await,
    };
    let account = format!("{}/members/account/", state.base_url);
    let (html, text) =
        issue.personal(&Personal { unsubscribe_url: account.clone(), manage_url: account.clone() });
    let from = delivery.from();
    let m = Outgoing {
        from: from.clone(),
        reply_to: newsletter.reply_to.as_deref().and_then(|r| r.parse().ok()),
        to: to.clone(),
        subject: format!("[Test] {}", issue.subject),
        html,
        text,
        unsubscribe_url: account,
        unsubscribe_mailto: format!("mailto:{}?subject=unsubscribe", from.email),
        list_id: format!("{} <{}.{}>", newsletter.name, newsletter.slug, from.email.domain()),
        domain: from.email.domain().to_owned(),
    };
    match delivery.send(&m).await {
        Outcome::Sent => Ok(done(&who, format!("A test was sent to {to}."), &back).await),
        Outcome::Retry(e) | Outcome::Bounced(e) | Outcome::Failed(e) | Outcome::Unreachable(e) => {
            refused(&who, WebError::Conflict(format!("The test was not sent: {e}")), &back).await
        }
    }
}

#[derive(Serialize)]
struct SendView {
    send: SendRow,
    sending: bool,
    failures: Vec<byline_store::Failure>,
}

async fn show_send(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    who.require(Action::ViewMembers)?;
    let send = state.store.send(id).await?;
    let failures = state.store.send_failures(id, 500).await?;
    let sending = send.state == "sending";
    let layout = Layout::signed_in(&state, &who, "Newsletter send", SECTION).await?;
    render(
        &state,
        "newsletter_send.html",
        layout,
        SendView { send: send_row(send), sending, failures },
    )
}

async fn retry(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    who.require(Action::ViewMembers)?;
    let to = format!("{SECTION}/sends/{id}");
    match state.store.retry_failed(id, &who.actor()).await {
        Ok(_) => Ok(done(&who, "The failed recipients are queued again.", &to).await),
        Err(e) => refused(&who, e.into(), &to).await,
    }
}

#[derive(Deserialize)]
struct SuppressForm {
    email: String,
    #[serde(default)]
    reason: String,
}

async fn suppress(
    State(state): State<AppState>,
    who: SignedIn,
    Form(f): Form<SuppressForm>,
) -> Result<Response, WebError> {
    who.require(Action::ManageMembers)?;
    let reason =
        SuppressionReason::parse(if f.reason.is_empty() { "complained" } else { &f.reason })
            .map_err(WebError::BadRequest)?;
    match state.store.suppress(&f.email, reason, &who.actor()).await {
        Ok(()) => {
            Ok(done(&who, format!("{} gets no more newsletters.", f.email.trim()), SECTION).await)
        }
        Err(byline_store::StoreError::Invalid(e)) => {
            refused(&who, WebError::Conflict(e.to_string()), SECTION).await
        }
        Err(e) => refused(&who, e.into(), SECTION).await,
    }
}

async fn unsuppress(
    State(state): State<AppState>,
    who: SignedIn,
    Form(f): Form<SuppressForm>,
) -> Result<Response, WebError> {
    who.require(Action::ManageMembers)?;
    match state.store.unsuppress(&f.email, &who.actor()).await {
        Ok(()) => {
            Ok(done(&who, format!("{} may be sent newsletters again.", f.email.trim()), SECTION)
                .await)
        }
        Err(e) => refused(&who, e.into(), SECTION).await,
    }
}
