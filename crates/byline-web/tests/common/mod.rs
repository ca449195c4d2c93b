//! A test site: the demo publication plus one article that uses every field, served by the
//! real router on a fresh database.

#![allow(dead_code)]

pub mod client;
pub mod forms;
pub mod members;
pub mod smtp;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use byline_import::SourceFile;
use byline_render::Theme;
use byline_store::Store;
use byline_store::testing::TestDb;
use byline_web::{AppState, router};
use chrono::{TimeZone, Utc};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub const BASE: &str = "http://test.example";

/// The article that shows every part of an article page.
pub const FULL_ARTICLE: &str = r#"---
title: "Gas, Grids and the <Long> Winter"
subtitle: "How a small country keeps the lights on"
date: 2026-11-25T08:00:00Z
updated: 2026-11-26T09:00:00Z
authors: [anna-kowalska, guest-writer]
regions: ["Europe/Moldova"]
themes: ["Energy"]
tags: [gas, grids]
image: /media/grid.jpg
image_alt: "Power lines over a snowy field"
image_caption: "The interconnector near the border."
note: "This article was **corrected** on 3 October: an earlier version misstated a date."
source_name: "Caspian Observer"
source_url: "https://example.com/original"
copyright: "Caspian Observer"
copyright_year: 2025
license: cc-by-nd-4.0
---
The first paragraph sets the scene.

## A heading

- one
- two

<script>alert("no")</script><p onclick="x()">Handlers are stripped.</p>
"#;

pub async fn site(db: &TestDb) -> Router {
    let mut files = byline_import::demo();
    files.push(SourceFile { path: "articles/full.md".into(), text: Ok(FULL_ARTICLE.into()) });
    let now = Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap();
    let report = byline_import::import(&db.store, &files, now).await;
    assert!(report.errors.is_empty(), "{report}");
    app(db.store.clone(), Theme::load(None).expect("default theme"))
}

pub fn app(store: Store, theme: Theme) -> Router {
    router(AppState::new(store, theme, BASE))
}

/// The router and its state, for tests that reach behind the HTTP edge (the view buffer).
pub fn app_and_state(store: Store) -> (Router, AppState) {
    let state = AppState::new(store, Theme::load(None).expect("default theme"), BASE);
    (router(state.clone()), state)
}

/// Imports extra Markdown articles (path, text) into a site's database.
pub async fn add_articles(db: &TestDb, files: &[(&str, &str)]) {
    let files: Vec<SourceFile> = files
        .iter()
        .map(|(p, t)| SourceFile { path: (*p).into(), text: Ok((*t).into()) })
        .collect();
    let now = Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap();
    let report = byline_import::import(&db.store, &files, now).await;
    assert!(report.errors.is_empty(), "{report}");
}

pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    pub fn html(&self) -> scraper::Html {
        scraper::Html::parse_document(&self.body)
    }

    /// Texts of every element matching `selector`.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let sel = scraper::Selector::parse(selector).expect("valid selector");
        self.html()
            .select(&sel)
            .map(|e| e.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    }

    /// The exact text of the first element matching `selector`, whitespace and all.
    pub fn raw_text(&self, selector: &str) -> String {
        let sel = scraper::Selector::parse(selector).expect("valid selector");
        self.html().select(&sel).next().map(|e| e.text().collect()).unwrap_or_default()
    }

    /// Values of `attr` on every element matching `selector`.
    pub fn attrs(&self, selector: &str, attr: &str) -> Vec<String> {
        let sel = scraper::Selector::parse(selector).expect("valid selector");
        self.html().select(&sel).filter_map(|e| e.value().attr(attr).map(str::to_owned)).collect()
    }
}

pub async fn get(app: &Router, path: &str) -> Page {
    get_with(app, path, &[]).await
}

pub async fn get_with(app: &Router, path: &str, headers: &[(&str, &str)]) -> Page {
    let mut req = Request::get(path);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res =
        app.clone().oneshot(req.body(Body::empty()).unwrap()).await.expect("the router answers");
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    Page { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
}

/// Calls the Admin API with a bearer token and a JSON body (none when `Null`); the status
/// and the JSON answer (`Null` when there is none).
pub async fn api(
    app: &Router,
    method: &str,
    path: &str,
    token: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let req = Request::builder()
        .method(method)
        .uri(format!("/api/admin/v1{path}"))
        .header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"))
        .header(axum::http::header::CONTENT_TYPE, "application/json")
        .body(if body.is_null() { Body::empty() } else { Body::from(body.to_string()) })
        .unwrap();
    let res = app.clone().oneshot(req).await.expect("the router answers");
    let status = res.status().as_u16();
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
}

/// A token for a new staff account with this role (writing under its own author profile).
pub async fn api_token(store: &Store, name: &str, role: byline_core::staff::Role) -> String {
    let who = client::staff(store, name, role).await;
    store.create_api_token(name, role, Some(who.id)).await.expect("a token").secret
}
