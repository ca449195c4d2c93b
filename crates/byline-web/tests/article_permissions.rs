//! The permission matrix for every article action and every role, through the admin's
//! routes and the Admin API alike: both must allow and refuse exactly the same things.

mod common;

use axum::body::Body;
use axum::http::{Request, header};
use byline_core::audit::Actor;
use byline_core::editorial::Step;
use byline_core::staff::Role;
use byline_core::{ArticleInput, AuthorInput};
use byline_store::Store;
use byline_store::testing::databases;
use common::client::{Client, signed_in};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Case {
    Create,
    ViewOthersDraft,
    EditOwnDraft,
    EditOthersDraft,
    SubmitOwnDraft,
    PublishOwnDraft,
    PublishOthersDraft,
    EditOwnPublished,
    UnpublishOthersPublished,
    TrashOwnDraft,
    TrashOwnPublished,
    TrashOthersPublished,
    PurgeOwnTrashed,
}

use Case::*;

/// Who may: contributor, author, editor, administrator, owner.
const MATRIX: &[(Case, [bool; 5])] = &[
    (Create, [true, true, true, true, true]),
    (ViewOthersDraft, [false, false, true, true, true]),
    (EditOwnDraft, [true, true, true, true, true]),
    (EditOthersDraft, [false, false, true, true, true]),
    (SubmitOwnDraft, [true, true, true, true, true]),
    (PublishOwnDraft, [false, true, true, true, true]),
    (PublishOthersDraft, [false, false, true, true, true]),
    (EditOwnPublished, [false, true, true, true, true]),
    (UnpublishOthersPublished, [false, false, true, true, true]),
    (TrashOwnDraft, [true, true, true, true, true]),
    (TrashOwnPublished, [false, true, true, true, true]),
    (TrashOthersPublished, [false, false, true, true, true]),
    (PurgeOwnTrashed, [false, false, true, true, true]),
];

/// An article for the case: (id, version, byline slugs).
async fn setup(s: &Store, case: Case, own: &str, n: usize) -> (i64, i64, Vec<String>) {
    let owner = Actor::command_line();
    let others = matches!(case, ViewOthersDraft | EditOthersDraft | PublishOthersDraft)
        || matches!(case, UnpublishOthersPublished | TrashOthersPublished);
    let byline = vec![if others { "guest-writer".to_owned() } else { own.to_owned() }];
    let input = ArticleInput {
        title: format!("{case:?} {n}"),
        body: "Body.".into(),
        authors: byline.clone(),
        ..Default::default()
    };
    let published = matches!(case, EditOwnPublished | UnpublishOthersPublished)
        || matches!(case, TrashOwnPublished | TrashOthersPublished);
    let step = if published { Step::Publish } else { Step::Create };
    let mut a = s.create_article(&owner, &input, step).await.unwrap();
    if case == PurgeOwnTrashed {
        a = s.article_step(&owner, a.id, None, Step::Trash, None).await.unwrap();
    }
    (a.id, a.version, byline)
}

async fn admin(c: &mut Client, case: Case, id: i64, version: i64, byline: &[String]) -> u16 {
    let v = version.to_string();
    let authors = byline.join(",");
    let form = |intent: &'static str| {
        vec![
            ("version", v.clone()),
            ("title", format!("{case:?} edited")),
            ("body", "Edited body.".to_owned()),
            ("authors", authors.clone()),
            ("intent", intent.to_owned()),
        ]
    };
    let (path, fields) = match case {
        Create => ("/admin/articles".to_owned(), form("save")),
        ViewOthersDraft => return c.get(&format!("/admin/articles/{id}")).await.status.as_u16(),
        EditOwnDraft | EditOthersDraft | EditOwnPublished => {
            (format!("/admin/articles/{id}"), form("save"))
        }
        SubmitOwnDraft => (format!("/admin/articles/{id}"), form("submit")),
        PublishOwnDraft | PublishOthersDraft => (format!("/admin/articles/{id}"), form("publish")),
        UnpublishOthersPublished => (format!("/admin/articles/{id}"), form("unpublish")),
        TrashOwnDraft | TrashOwnPublished | TrashOthersPublished => {
            (format!("/admin/articles/{id}/trash"), Vec::new())
        }
        PurgeOwnTrashed => (format!("/admin/articles/{id}/purge"), Vec::new()),
    };
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    c.post(&path, &pairs).await.status.as_u16()
}

async fn api(app: &axum::Router, token: &str, case: Case, id: i64, v: i64, by: &[String]) -> u16 {
    let doc = json!({"version": v, "title": format!("{case:?} via API"), "body": "API body.", "authors": by});
    let (method, path, body) = match case {
        Create => ("POST", "/articles".to_owned(), Some(doc)),
        ViewOthersDraft => ("GET", format!("/articles/{id}"), None),
        EditOwnDraft | EditOthersDraft | EditOwnPublished => {
            ("PUT", format!("/articles/{id}"), Some(doc))
        }
        SubmitOwnDraft => ("POST", format!("/articles/{id}/submit"), None),
        PublishOwnDraft | PublishOthersDraft => ("POST", format!("/articles/{id}/publish"), None),
        UnpublishOthersPublished => ("POST", format!("/articles/{id}/unpublish"), None),
        TrashOwnDraft | TrashOwnPublished | TrashOthersPublished => {
            ("DELETE", format!("/articles/{id}"), None)
        }
        PurgeOwnTrashed => ("DELETE", format!("/articles/{id}?permanent=true"), None),
    };
    let req = Request::builder()
        .method(method)
        .uri(format!("/api/admin/v1{path}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json");
    let req = req.body(body.map_or(Body::empty(), |b| Body::from(b.to_string()))).unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status().as_u16();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    if status >= 400 && status != 403 {
        panic!("{case:?}: {status} {}", String::from_utf8_lossy(&bytes));
    }
    if status == 403 {
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v["error"]["code"], "forbidden", "{v}");
    }
    status
}

#[tokio::test]
async fn every_article_action_for_every_role_through_the_admin_and_the_api() {
    for db in databases().await {
        let app = common::site(&db).await;
        let s = &db.store;
        let guest = AuthorInput { name: "Guest Writer".into(), guest: true, ..Default::default() };
        s.save_author(&guest).await.unwrap();
        let mut n = 0;
        for (i, role) in Role::ALL.into_iter().enumerate() {
            let (mut client, user) = signed_in(&app, s, &format!("{role} person"), role).await;
            let own = s
                .authors()
                .await
                .unwrap()
                .into_iter()
                .find(|a| Some(a.id) == user.author_id)
                .unwrap()
                .slug;
            let token = s.create_api_token("matrix", role, Some(user.id)).await.unwrap().secret;
            for (case, allowed) in MATRIX {
                let want = allowed[i];
                n += 1;
                let (id, v, by) = setup(s, *case, &own, n).await;
                let got = admin(&mut client, *case, id, v, &by).await;
                assert_eq!(
                    got,
                    if want { if *case == ViewOthersDraft { 200 } else { 303 } } else { 403 },
                    "admin: {role} {case:?}"
                );
                n += 1;
                let (id, v, by) = setup(s, *case, &own, n).await;
                let got = api(&app, &token, *case, id, v, &by).await;
                assert_eq!(got < 300, want, "api: {role} {case:?} answered {got}");
            }
        }
    }
}
