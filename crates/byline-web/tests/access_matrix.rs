//! The access matrix, in one place and table-driven, on SQLite and PostgreSQL:
//!
//! - every staff role × every [`Action`] through the admin's routes and the Admin API: each
//!   route the action guards answers a refusal (403) to the roles without it, and works (no
//!   403, no 5xx) for the roles with it. `probes` matches on `Action` exhaustively, so a new
//!   action does not compile until it has its row here.
//! - every reader (anonymous, free member, paid member) × every article access (public,
//!   members, paid) through the article page, the feeds, the Ghost Content API and search.

mod common;

use axum::body::Body;
use axum::http::{Request, header};
use byline_core::audit::Actor;
use byline_core::editorial::Step;
use byline_core::staff::{Action, Role};
use byline_core::{ArticleInput, AuthorInput};
use byline_store::Store;
use byline_store::testing::databases;
use common::client::{Client, signed_in};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

/// Who may, in the order of `Role::ALL`: contributor, author, editor, administrator, owner.
const MATRIX: &[(Action, [bool; 5])] = {
    use Action::*;
    &[
        (CreateArticle, [true, true, true, true, true]),
        (EditArticle { own: true, published: false }, [true, true, true, true, true]),
        (EditArticle { own: true, published: true }, [false, true, true, true, true]),
        (EditArticle { own: false, published: false }, [false, false, true, true, true]),
        (EditArticle { own: false, published: true }, [false, false, true, true, true]),
        (DeleteArticle { own: true, published: false }, [true, true, true, true, true]),
        (DeleteArticle { own: true, published: true }, [false, true, true, true, true]),
        (DeleteArticle { own: false, published: false }, [false, false, true, true, true]),
        (DeleteArticle { own: false, published: true }, [false, false, true, true, true]),
        (SubmitForReview { own: true }, [true, true, true, true, true]),
        (SubmitForReview { own: false }, [false, false, true, true, true]),
        (PublishArticle { own: true }, [false, true, true, true, true]),
        (PublishArticle { own: false }, [false, false, true, true, true]),
        (UploadMedia, [true, true, true, true, true]),
        (ManageAuthors, [false, false, true, true, true]),
        (ManageTaxonomies, [false, false, true, true, true]),
        (ManagePages, [false, false, true, true, true]),
        (ManageSettings, [false, false, false, true, true]),
        (ManageStaff, [false, false, false, true, true]),
        (ManageThemes, [false, false, false, true, true]),
        (ManageTokens, [false, false, false, true, true]),
        (ManageJobs, [false, false, false, true, true]),
        (ViewAuditLog, [false, false, false, true, true]),
        (ViewMembers, [false, false, true, true, true]),
        (ManageMembers, [false, false, false, true, true]),
        (ManageTiers, [false, false, false, true, true]),
        (ModerateComments, [false, false, true, true, true]),
        (TransferOwnership, [false, false, false, false, true]),
    ]
};

/// One request that exercises an action.
#[derive(Debug, Clone)]
enum Probe {
    /// An admin screen: 200 when allowed.
    Screen(String),
    /// An admin form post: anything but a refusal or a failure when allowed.
    Form(String, Vec<(&'static str, String)>),
    /// An admin media upload (multipart).
    Upload,
    /// An Admin API call with its JSON body.
    Api(&'static str, String, Option<Value>),
    /// An Admin API media upload (multipart).
    ApiUpload,
}

/// What the article probes act on: a fresh article, the acting role's own or a guest's,
/// published or a draft.
async fn article(s: &Store, own_slug: &str, own: bool, published: bool, n: usize) -> (i64, i64) {
    let slug = if own { own_slug } else { "guest-writer" };
    let input = ArticleInput {
        title: format!("Matrix article {n}"),
        body: "Body.".into(),
        authors: vec![slug.to_owned()],
        ..Default::default()
    };
    let step = if published { Step::Publish } else { Step::Create };
    let a = s.create_article(&Actor::command_line(), &input, step).await.unwrap();
    (a.id, a.version)
}

fn article_form(v: i64, n: usize, slug: &str, intent: &str) -> Vec<(&'static str, String)> {
    vec![
        ("version", v.to_string()),
        ("title", format!("Matrix edit {n}")),
        ("body", "Edited.".into()),
        ("authors", slug.into()),
        ("intent", intent.into()),
    ]
}

/// The admin and API requests that exercise `action`. Exhaustive on purpose: every new
/// action needs its row here (and in `MATRIX`) before this file compiles.
async fn probes(action: Action, s: &Store, own_slug: &str, n: usize) -> Vec<Probe> {
    use Action::*;
    use Probe::*;
    let name = format!("Matrix {n}");
    let body = |v: i64, slug: &str| json!({"version": v, "title": format!("Matrix API {n}"), "body": "API.", "authors": [slug]});
    match action {
        CreateArticle => vec![
            Form("/admin/articles".into(), article_form(0, n, own_slug, "save")),
            Api("POST", "/articles".into(), Some(body(0, own_slug))),
        ],
        EditArticle { own, published } => {
            let slug = if own { own_slug } else { "guest-writer" };
            let (a, v) = article(s, own_slug, own, published, n).await;
            let (b, w) = article(s, own_slug, own, published, n + 1).await;
            vec![
                Form(format!("/admin/articles/{a}"), article_form(v, n, slug, "save")),
                Api("PUT", format!("/articles/{b}"), Some(body(w, slug))),
            ]
        }
        DeleteArticle { own, published } => {
            let (a, _) = article(s, own_slug, own, published, n).await;
            let (b, _) = article(s, own_slug, own, published, n + 1).await;
            vec![
                Form(format!("/admin/articles/{a}/trash"), vec![]),
                Api("DELETE", format!("/articles/{b}"), None),
            ]
        }
        SubmitForReview { own } => {
            let slug = if own { own_slug } else { "guest-writer" };
            let (a, v) = article(s, own_slug, own, false, n).await;
            let (b, _) = article(s, own_slug, own, false, n + 1).await;
            vec![
                Form(format!("/admin/articles/{a}"), article_form(v, n, slug, "submit")),
                Api("POST", format!("/articles/{b}/submit"), None),
            ]
        }
        PublishArticle { own } => {
            let slug = if own { own_slug } else { "guest-writer" };
            let (a, v) = article(s, own_slug, own, false, n).await;
            let (b, _) = article(s, own_slug, own, false, n + 1).await;
            vec![
                Form(format!("/admin/articles/{a}"), article_form(v, n, slug, "publish")),
                Api("POST", format!("/articles/{b}/publish"), None),
            ]
        }
        UploadMedia => vec![Upload, ApiUpload],
        ManageAuthors => vec![
            Screen("/admin/authors".into()),
            Screen("/admin/authors/new".into()),
            Form("/admin/authors".into(), vec![("name", name.clone())]),
            Api("GET", "/authors".into(), None),
            Api("POST", "/authors".into(), Some(json!({"name": name}))),
        ],
        ManageTaxonomies => vec![
            Screen("/admin/taxonomies".into()),
            Screen("/admin/taxonomies/new".into()),
            Form("/admin/taxonomies".into(), vec![("name", name.clone())]),
            Api("GET", "/taxonomies".into(), None),
            Api("POST", "/taxonomies".into(), Some(json!({"name": name}))),
        ],
        ManagePages => vec![
            Screen("/admin/pages".into()),
            Screen("/admin/pages/new".into()),
            Form("/admin/pages".into(), vec![("title", name.clone()), ("body", "Text.".into())]),
            Api("GET", "/pages".into(), None),
            Api("POST", "/pages".into(), Some(json!({"title": name, "body": "Text."}))),
        ],
        ManageSettings => vec![
            Screen("/admin/settings".into()),
            Form("/admin/settings".into(), vec![("title", "The Meridian Review".into())]),
            Api("GET", "/settings".into(), None),
            Api(
                "PUT",
                "/settings".into(),
                Some(json!({"title": "The Meridian Review", "language": "en"})),
            ),
        ],
        ManageStaff => vec![
            Screen("/admin/staff".into()),
            Form(
                "/admin/staff/invitations".into(),
                vec![("email", format!("invited{n}@example.org")), ("role", "contributor".into())],
            ),
        ],
        // No screen or API yet: the admin has no theme manager; the row keeps the action
        // in view and checks no route answers for it.
        ManageThemes => vec![],
        ManageTokens => vec![
            Screen("/admin/tokens".into()),
            Screen("/admin/integrations".into()),
            Form("/admin/tokens".into(), vec![("name", name.clone()), ("role", "author".into())]),
        ],
        ManageJobs => vec![Screen("/admin/jobs".into())],
        ViewAuditLog => vec![Screen("/admin/audit".into())],
        ModerateComments => vec![
            Screen("/admin/comments".into()),
            Api("GET", "/comments?status=pending".into(), None),
        ],
        ViewMembers => vec![
            Screen("/admin/members".into()),
            Screen("/admin/tiers".into()),
            Api("GET", "/members".into(), None),
            Api("GET", "/tiers".into(), None),
        ],
        ManageMembers => vec![
            Screen("/admin/members/new".into()),
            Form("/admin/members".into(), vec![("email", format!("m{n}@example.org"))]),
            Api("POST", "/members".into(), Some(json!({"email": format!("api{n}@example.org")}))),
        ],
        ManageTiers => vec![
            Screen("/admin/tiers/new".into()),
            Form("/admin/tiers".into(), vec![("name", name.clone())]),
            Api("POST", "/tiers".into(), Some(json!({"name": name}))),
        ],
        TransferOwnership => {
            vec![Form(
                "/admin/staff/transfer".into(),
                vec![("to", "0".into()), ("password", "wrong".into())],
            )]
        }
    }
}

/// Runs one probe; the status.
async fn run(p: &Probe, c: &mut Client, app: &axum::Router, token: &str) -> (u16, String) {
    let api = |method: &str, path: &str, ct: &str, body: Body| {
        Request::builder()
            .method(method)
            .uri(format!("/api/admin/v1{path}"))
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, ct)
            .body(body)
            .unwrap()
    };
    let multipart = "multipart/form-data; boundary=matrix";
    let file = "--matrix\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.png\"\r\n\
                Content-Type: image/png\r\n\r\nnot an image\r\n--matrix--\r\n";
    let req = match p {
        Probe::Screen(path) => {
            let page = c.get(path).await;
            return (page.status.as_u16(), page.body);
        }
        Probe::Form(path, fields) => {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let page = c.post(path, &pairs).await;
            return (page.status.as_u16(), page.body);
        }
        Probe::Upload => {
            let csrf = c.csrf.clone().unwrap_or_default();
            let mut r = Request::post(format!("/admin/media?csrf={csrf}"))
                .header(header::CONTENT_TYPE, multipart)
                .header("sec-fetch-site", "same-origin");
            if let Some(k) = &c.cookie {
                r = r.header(header::COOKIE, k);
            }
            let page = c.send(r.body(Body::from(file)).unwrap()).await;
            return (page.status.as_u16(), page.body);
        }
        Probe::Api(method, path, body) => api(
            method,
            path,
            "application/json",
            body.as_ref().map_or(Body::empty(), |b| Body::from(b.to_string())),
        ),
        Probe::ApiUpload => api("POST", "/media", multipart, Body::from(file)),
    };
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status().as_u16();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    if status == 403 {
        let v: Value = serde_json::from_str(&text).expect("a refusal in the API's error shape");
        assert_eq!(v["error"]["code"], "forbidden", "{text}");
    }
    (status, text)
}

#[tokio::test]
async fn every_role_and_every_action_through_the_admin_and_the_api() {
    for (action, row) in MATRIX {
        for (role, want) in Role::ALL.iter().zip(row) {
            assert_eq!(
                role.may(*action),
                *want,
                "MATRIX disagrees with Role::may: {role} {action:?}"
            );
        }
    }
    for db in databases().await {
        let app = common::site(&db).await;
        let s = &db.store;
        let guest = AuthorInput { name: "Guest Writer".into(), guest: true, ..Default::default() };
        s.save_author(&guest).await.unwrap();
        let mut n = 0;
        let mut checked = 0;
        for (i, role) in Role::ALL.into_iter().enumerate() {
            let (mut client, user) = signed_in(&app, s, &format!("{role} matrix"), role).await;
            let own = s.authors().await.unwrap().into_iter().find(|a| Some(a.id) == user.author_id);
            let own = own.expect("staff write under an author profile").slug;
            let token = s.create_api_token("matrix", role, Some(user.id)).await.unwrap().secret;
            for (action, row) in MATRIX {
                n += 2;
                let want = row[i];
                for p in probes(*action, s, &own, n).await {
                    let (status, body) = run(&p, &mut client, &app, &token).await;
                    let what =
                        format!("{:?}: {role} {action:?} {p:?} answered {status}", db.backend());
                    assert!(status < 500, "{what}: {body}");
                    if want {
                        assert_ne!(status, 403, "{what}");
                        if matches!(p, Probe::Screen(_)) {
                            assert_eq!(status, 200, "{what}");
                        }
                    } else {
                        assert_eq!(status, 403, "{what}: {body}");
                    }
                    checked += 1;
                }
            }
            // An action with no route yet answers nowhere.
            assert_eq!(client.get("/admin/themes").await.status, 404);
        }
        assert!(checked > 300, "{checked} checks");
    }
}

/// Where a reader meets an article.
#[derive(Debug, Clone, Copy)]
enum Surface {
    Page,
    Rss,
    Atom,
    JsonFeed,
    GhostContentApi,
    SearchPage,
    SearchApi,
}

/// Does this reader see the article's words there? (anonymous, free member, paid member)
const READERS: &[(Surface, &str, [bool; 3])] = {
    use Surface::*;
    &[
        (Page, "public", [true, true, true]),
        (Page, "members", [false, true, true]),
        (Page, "paid", [false, false, true]),
        // The public feeds, the Content API and search are shared by every reader: they
        // carry what anyone may read (a paid member's full feed has a private address).
        (Rss, "public", [true, true, true]),
        (Rss, "members", [false, false, false]),
        (Rss, "paid", [false, false, false]),
        (Atom, "public", [true, true, true]),
        (Atom, "members", [false, false, false]),
        (Atom, "paid", [false, false, false]),
        (JsonFeed, "public", [true, true, true]),
        (JsonFeed, "members", [false, false, false]),
        (JsonFeed, "paid", [false, false, false]),
        (GhostContentApi, "public", [true, true, true]),
        (GhostContentApi, "members", [false, false, false]),
        (GhostContentApi, "paid", [false, false, false]),
        (SearchPage, "public", [true, true, true]),
        (SearchPage, "members", [false, false, false]),
        (SearchPage, "paid", [false, false, false]),
        (SearchApi, "public", [true, true, true]),
        (SearchApi, "members", [false, false, false]),
        (SearchApi, "paid", [false, false, false]),
    ]
};

/// The word only the gated part of each article holds (searchable: one token).
fn secret(access: &str) -> String {
    format!("quokka{access}secret")
}

fn gated_article(access: &str) -> String {
    format!(
        "---\ntitle: Matrix {access} piece\ndate: 2026-11-26T10:00:00Z\nauthors: [anna-kowalska]\n\
         access: {access}\n---\nAn opening anyone reads.\n\n<!--members-only-->\n\n\
         Only some read {}.\n",
        secret(access)
    )
}

/// A `Cookie` header carrying the member pass of a new member (paid by a complimentary grant).
async fn reader_cookie(state: &byline_web::AppState, s: &Store, email: &str, paid: bool) -> String {
    use byline_core::member_pass::Pass;
    use byline_core::members::MemberInput;
    let input = MemberInput { email: email.into(), ..Default::default() };
    let mut m = s.add_member(input.validate().unwrap(), byline_store::Joined::Staff, None).await;
    if paid {
        let id = m.as_ref().unwrap().id;
        m = s.grant_complimentary(id, "paid", None, &Actor::command_line()).await;
    }
    let m = m.unwrap();
    let now = chrono::Utc::now();
    let pass = Pass {
        member_id: m.id,
        reader: m.reader(now, &s.paid_tier_slugs().await.unwrap()),
        generation: 0,
        fresh_until: now + chrono::Duration::hours(1),
        expires: now + chrono::Duration::days(30),
    };
    let set = byline_web::members::pass_cookie(state, &pass).await.unwrap();
    set.split(';').next().unwrap().to_owned()
}

#[tokio::test]
async fn every_reader_and_every_access_through_page_feeds_content_api_and_search() {
    use std::sync::Arc;
    for db in databases().await {
        let _ = common::site(&db).await;
        let files: Vec<(String, String)> = ["public", "members", "paid"]
            .iter()
            .map(|a| (format!("articles/matrix-{a}.md"), gated_article(a)))
            .collect();
        let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
        common::add_articles(&db, &refs).await;
        let dir = tempfile::tempdir().unwrap();
        let (index, _) = byline_search::SearchIndex::open(dir.path(), "en").unwrap();
        index.rebuild(&db.store, |_, _| {}).await.unwrap();
        let (_, state) = common::app_and_state(db.store.clone());
        let state = state.with_search(Arc::new(index));
        state.catch_up().await.unwrap();
        let app = byline_web::router(state.clone());
        let key = db.store.create_integration(&Actor::command_line(), "Matrix").await.unwrap();
        let key = key.integration.content_key;
        let cookies = [
            None,
            Some(reader_cookie(&state, &db.store, "free@example.org", false).await),
            Some(reader_cookie(&state, &db.store, "paid@example.org", true).await),
        ];
        for (surface, access, row) in READERS {
            let word = secret(access);
            let path = match surface {
                Surface::Page => format!("/articles/matrix-{access}/"),
                Surface::Rss => "/feed.xml".into(),
                Surface::Atom => "/atom.xml".into(),
                Surface::JsonFeed => "/feed.json".into(),
                Surface::GhostContentApi => format!(
                    "/ghost/api/content/posts/slug/matrix-{access}/?key={key}&formats=html,plaintext"
                ),
                Surface::SearchPage => format!("/search/?q={word}"),
                Surface::SearchApi => format!("/api/search?q={word}"),
            };
            for (reader, (cookie, want)) in cookies.iter().zip(row).enumerate() {
                let headers: Vec<(&str, &str)> =
                    cookie.iter().map(|c| ("cookie", c.as_str())).collect();
                let page = common::get_with(&app, &path, &headers).await;
                let who = ["anonymous", "free member", "paid member"][reader];
                let what =
                    format!("{:?}: {who} on {surface:?} for a {access} article", db.backend());
                assert_eq!(page.status, 200, "{what}: {path} {}", page.body);
                let found = match surface {
                    Surface::SearchPage => {
                        page.texts(".search-result").join(" ").contains("Matrix")
                    }
                    Surface::SearchApi => {
                        let v: Value = serde_json::from_str(&page.body).unwrap();
                        !v["hits"].as_array().unwrap().is_empty()
                    }
                    _ => page.body.contains(&word),
                };
                assert_eq!(found, *want, "{what}: {path}");
                // The opening shows wherever the article does, gated or not.
                if matches!(surface, Surface::Page | Surface::Rss | Surface::GhostContentApi) {
                    assert!(page.body.contains("An opening anyone reads"), "{what}");
                }
            }
        }
    }
}
