//! A cookie-keeping client for admin tests: it signs in, remembers the session cookie and
//! the page's CSRF token, and posts forms the way a browser on the same site does.

use super::Page;
use axum::Router;
use axum::body::Body;
use axum::http::{Request, header};
use byline_core::staff::{Role, StaffInput, StaffUser};
use byline_store::Store;
use http_body_util::BodyExt;
use tower::ServiceExt;

pub const PASSWORD: &str = "correct horse battery";

#[derive(Clone)]
pub struct Client {
    pub app: Router,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
}

impl Client {
    pub fn new(app: &Router) -> Self {
        Self { app: app.clone(), cookie: None, csrf: None }
    }

    pub async fn send(&mut self, req: Request<Body>) -> Page {
        let res = self.app.clone().oneshot(req).await.expect("the router answers");
        // A small cookie jar: each cookie replaced in place, new ones added after.
        for c in res.headers().get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()) {
            let pair = c.split(';').next().unwrap_or("").trim().to_owned();
            let name = pair.split('=').next().unwrap_or("").to_owned();
            let mut jar: Vec<String> = self
                .cookie
                .iter()
                .flat_map(|j| j.split("; "))
                .filter(|p| p.split('=').next() != Some(name.as_str()))
                .map(str::to_owned)
                .collect();
            if !(pair.ends_with('=') || c.contains("Max-Age=0")) {
                let at = self
                    .cookie
                    .iter()
                    .flat_map(|j| j.split("; "))
                    .position(|p| p.split('=').next() == Some(name.as_str()))
                    .unwrap_or(jar.len());
                jar.insert(at.min(jar.len()), pair);
            }
            self.cookie = (!jar.is_empty()).then(|| jar.join("; "));
        }
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        let page = Page { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() };
        if let Some(t) = page.attrs("meta[name=csrf-token]", "content").first()
            && !t.is_empty()
        {
            self.csrf = Some(t.clone());
        }
        page
    }

    fn request(&self, method: &str, path: &str) -> axum::http::request::Builder {
        let mut r = Request::builder().method(method).uri(path);
        if let Some(c) = &self.cookie {
            r = r.header(header::COOKIE, c);
        }
        r
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let req = self.request("GET", path).body(Body::empty()).unwrap();
        self.send(req).await
    }

    /// Posts a form as a same-site browser would, adding the CSRF token it last saw.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        let csrf = self.csrf.clone().unwrap_or_default();
        if !fields.iter().any(|(k, _)| *k == "csrf") {
            all.push(("csrf", &csrf));
        }
        let body = serde_urlencoded::to_string(&all).unwrap();
        let req = self
            .request("POST", path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// Signs in (after loading the sign-in page for its token); panics unless it works.
    pub async fn sign_in(&mut self, email: &str) {
        self.get("/admin/signin").await;
        let page = self.post("/admin/signin", &[("email", email), ("password", PASSWORD)]).await;
        assert_eq!(page.status, 303, "sign-in as {email} failed: {}", page.body);
        self.get("/admin/").await;
    }
}

/// A staff account with [`PASSWORD`].
pub async fn staff(store: &Store, name: &str, role: Role) -> StaffUser {
    let email = format!("{}@example.org", byline_core::slugify(name));
    store
        .create_staff(&StaffInput {
            email,
            name: name.into(),
            role: Some(role),
            password: PASSWORD.into(),
        })
        .await
        .expect("staff account")
}

/// A client signed in as a new account with this role.
pub async fn signed_in(app: &Router, store: &Store, name: &str, role: Role) -> (Client, StaffUser) {
    let user = staff(store, name, role).await;
    let mut c = Client::new(app);
    c.sign_in(&user.email).await;
    (c, user)
}

/// Every field of the editor form as the page shows it, like a browser would submit it.
pub fn form_fields(page: &Page) -> Vec<(String, String)> {
    let html = page.html();
    let sel =
        scraper::Selector::parse("form.editor input, form.editor textarea, form.editor select")
            .unwrap();
    let opt = scraper::Selector::parse("option[selected]").unwrap();
    let mut out = Vec::new();
    for e in html.select(&sel) {
        let v = e.value();
        let Some(name) = v.attr("name") else { continue };
        match (v.name(), v.attr("type")) {
            ("input", Some("checkbox")) if v.attr("checked").is_some() => {
                out.push((name.into(), v.attr("value").unwrap_or("on").into()));
            }
            ("input", Some("checkbox")) => {}
            ("input", _) => out.push((name.into(), v.attr("value").unwrap_or("").into())),
            ("textarea", _) => {
                let t: String = e.text().collect();
                out.push((name.into(), t.strip_prefix('\n').unwrap_or(&t).into()));
            }
            ("select", _) => {
                let chosen = e.select(&opt).next().and_then(|o| o.value().attr("value"));
                out.push((name.into(), chosen.unwrap_or("").into()));
            }
            _ => {}
        }
    }
    out
}
