//! The editor: `/admin/articles/new` and `/admin/articles/{id}`. One form carries every
//! field; its buttons (save, submit, schedule, publish, unpublish, preview) say what to do.
//! A refused save (invalid fields, a stale version, a step the role may not take) shows the
//! form again with everything the writer typed.

use super::email::{self, EmailBox};
use super::form::{EditorForm, Posted, Vocabulary};
use crate::admin::frame::{Layout, SignedIn, flash, flash_error, render};
use crate::{AppState, WebError};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use byline_core::audit::Actor;
use byline_core::editorial::{EditableArticle, Step};
use byline_core::revision::{FieldDiff, diff};
use byline_core::{ArticleStatus, FieldError, License, Term, markdown};
use byline_store::{EditError, StoreError};
use serde::Serialize;
use std::collections::BTreeMap;

/// Terms in tree order with their depth: parents before their children.
pub(crate) fn nested(terms: &[Term]) -> Vec<(&Term, usize)> {
    fn walk<'a>(
        terms: &'a [Term],
        parent: Option<i64>,
        depth: usize,
        out: &mut Vec<(&'a Term, usize)>,
    ) {
        for t in terms.iter().filter(|t| t.parent_id == parent) {
            out.push((t, depth));
            if depth < 16 {
                walk(terms, Some(t.id), depth + 1, out);
            }
        }
    }
    let mut out = Vec::with_capacity(terms.len());
    walk(terms, None, 0, &mut out);
    // Terms whose parent is missing still show, at the top level.
    for t in terms {
        if !out.iter().any(|(o, _)| o.id == t.id) {
            out.push((t, 0));
        }
    }
    out
}

async fn vocabulary(state: &AppState) -> Result<Vocabulary, WebError> {
    let mut taxonomies = Vec::new();
    for t in &state.frame().await?.taxonomies {
        taxonomies.push((t.clone(), state.store.terms(t.id).await?));
    }
    Ok(Vocabulary { taxonomies })
}

#[derive(Serialize)]
struct TaxonomyBox {
    slug: String,
    name: String,
    terms: Vec<TermBox>,
}

#[derive(Serialize)]
struct TermBox {
    id: i64,
    name: String,
    depth: usize,
    checked: bool,
}

#[derive(Serialize, Default)]
struct Buttons {
    save: Option<&'static str>,
    submit: bool,
    schedule: bool,
    publish: bool,
    unpublish: bool,
    trash: bool,
    restore: bool,
    purge: bool,
}

fn buttons(actor: &Actor, byline: &[i64], status: ArticleStatus, new: bool) -> Buttons {
    let can = |s: Step| {
        let s_checked = if new && s == Step::Update { Step::Create } else { s };
        s_checked.permit(actor, byline, status).is_ok() && s.target(status).is_ok()
    };
    Buttons {
        save: can(Step::Update).then_some(if status.is_live() { "Update" } else { "Save draft" }),
        submit: status != ArticleStatus::Review && can(Step::Submit),
        schedule: can(Step::Schedule),
        publish: status != ArticleStatus::Published && can(Step::Publish),
        unpublish: !new && can(Step::Unpublish),
        trash: !new && can(Step::Trash),
        restore: can(Step::Restore),
        purge: can(Step::Purge),
    }
}

/// A save refused because someone else saved first.
#[derive(Serialize)]
struct Conflict {
    message: String,
    /// Their changes: what the writer started from → what is saved now.
    changes: Vec<FieldDiff>,
}

#[derive(Serialize)]
struct EditorPage {
    id: Option<i64>,
    version: i64,
    status: String,
    status_label: String,
    form: EditorForm,
    errors: BTreeMap<String, String>,
    /// A message for the whole form (a refused step).
    error: Option<String>,
    conflict: Option<Conflict>,
    preview: Option<String>,
    taxonomies: Vec<TaxonomyBox>,
    licenses: Vec<(String, String)>,
    /// (slug, name, checked) of every tier, for "specific tiers".
    tiers: Vec<(String, String, bool)>,
    known_authors: Vec<(String, String)>,
    buttons: Buttons,
    /// "Publish and email" and "email only", for roles that may send newsletters.
    email: Option<EmailBox>,
    public_url: Option<String>,
    modified: String,
}

struct Screen<'a> {
    state: &'a AppState,
    who: &'a SignedIn,
    saved: Option<EditableArticle>,
}

impl Screen<'_> {
    async fn show(
        &self,
        form: EditorForm,
        version: i64,
        status: StatusCode,
        extra: impl FnOnce(&mut EditorPage),
    ) -> Result<Response, WebError> {
        let actor = self.who.actor();
        let vocabulary = vocabulary(self.state).await?;
        let (st, byline) = match &self.saved {
            Some(a) => (a.status, a.author_ids.clone()),
            None => (ArticleStatus::Draft, actor.author_id.into_iter().collect()),
        };
        let tiers = (self.state.store.tiers().await?.into_iter())
            .map(|t| {
                let checked = form.tiers.contains(&t.slug);
                (t.slug, t.name, checked)
            })
            .collect();
        let may_send = self.who.staff.role.may(byline_core::staff::Action::ViewMembers);
        let email =
            email::email_box(self.state, may_send, &form, self.saved.as_ref().map(|a| a.status))
                .await?;
        let mut page = EditorPage {
            id: self.saved.as_ref().map(|a| a.id),
            version,
            status: st.as_str().into(),
            status_label: st.label().into(),
            taxonomies: vocabulary
                .taxonomies
                .iter()
                .map(|(t, terms)| TaxonomyBox {
                    slug: t.slug.clone(),
                    name: t.name.clone(),
                    terms: nested(terms)
                        .into_iter()
                        .map(|(term, depth)| TermBox {
                            id: term.id,
                            name: term.name.clone(),
                            depth: depth.min(5),
                            checked: form.terms.contains(&term.id),
                        })
                        .collect(),
                })
                .collect(),
            form,
            errors: BTreeMap::new(),
            error: None,
            conflict: None,
            preview: None,
            tiers,
            licenses: License::ALL.iter().map(|l| (l.code().into(), l.name().into())).collect(),
            known_authors: self
                .state
                .store
                .authors()
                .await?
                .into_iter()
                .map(|a| (a.slug, a.name))
                .collect(),
            buttons: buttons(&actor, &byline, st, self.saved.is_none()),
            email,
            public_url: self
                .saved
                .as_ref()
                .filter(|a| a.status == ArticleStatus::Published)
                .and_then(|a| a.input.slug.as_deref().map(byline_render::urls::article)),
            modified: self
                .saved
                .as_ref()
                .map(|a| {
                    format!(
                        "Version {}, last changed {} by {}",
                        a.version,
                        a.modified_at.format("%Y-%m-%d %H:%M UTC"),
                        a.modified_by.as_deref().unwrap_or("someone")
                    )
                })
                .unwrap_or_default(),
        };
        extra(&mut page);
        let title = match &self.saved {
            Some(a) => format!("Edit “{}”", a.input.title),
            None => "New article".to_owned(),
        };
        let layout = Layout::signed_in(self.state, self.who, title, "/admin/articles").await?;
        let mut r = render(self.state, "article_editor.html", layout, page)?;
        *r.status_mut() = status;
        Ok(r)
    }

    /// Shows the form again after a refused save, with a reason.
    async fn refused(&self, posted: Posted, e: EditError) -> Result<Response, WebError> {
        let fields =
            |errs: Vec<FieldError>| errs.into_iter().map(|f| (f.field, f.message)).collect();
        match e {
            EditError::Store(StoreError::Invalid(inv)) => {
                let errors = fields(inv.0);
                self.show(posted.form, posted.version, StatusCode::UNPROCESSABLE_ENTITY, |p| {
                    p.errors = errors;
                    p.error = Some("Nothing was saved: some fields need attention.".into());
                })
                .await
            }
            EditError::Refused(r) => {
                self.show(posted.form, posted.version, StatusCode::FORBIDDEN, |p| {
                    p.error = Some(r.0)
                })
                .await
            }
            EditError::Store(StoreError::Conflict(c)) => {
                self.show(posted.form, posted.version, StatusCode::CONFLICT, |p| p.error = Some(c))
                    .await
            }
            EditError::Stale(now) => {
                let started = self.state.store.article_at_version(now.id, posted.version).await?;
                let changes = match &started {
                    Some(r) => diff(&r.snapshot, &now.input),
                    None => Vec::new(),
                };
                let message = format!(
                    "{} saved this article while you were editing (you started from version {}, \
                     it is now at version {}). Nothing of yours was saved; everything you typed \
                     is still in the form. Their changes are shown below: saving again replaces \
                     their version with yours.",
                    now.modified_by.as_deref().unwrap_or("Someone else"),
                    posted.version,
                    now.version
                );
                let version = now.version;
                self.show(posted.form, version, StatusCode::CONFLICT, |p| {
                    p.conflict = Some(Conflict { message, changes })
                })
                .await
            }
            other => Err(other.into()),
        }
    }
}

/// What the media library's picker hands back: `?image=URL&image_alt=ALT` (see
/// `admin/media.rs`). The editor fills the featured image with it; nothing is saved until the
/// writer saves.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct Picked {
    #[serde(default)]
    image: Option<String>,
    #[serde(default)]
    image_alt: Option<String>,
}

impl Picked {
    fn apply(self, form: &mut EditorForm) {
        if let Some(url) = self.image.filter(|u| !u.trim().is_empty()) {
            form.image = url;
            if let Some(alt) = self.image_alt.filter(|a| !a.trim().is_empty()) {
                form.image_alt = alt;
            }
        }
    }
}

/// `GET /admin/articles/new`: a blank article with the writer in the byline.
pub(crate) async fn new(
    State(state): State<AppState>,
    who: SignedIn,
    Query(picked): Query<Picked>,
) -> Result<Response, WebError> {
    who.require(byline_core::staff::Action::CreateArticle)?;
    let mut form = EditorForm::default();
    picked.apply(&mut form);
    if let Some(id) = who.staff.author_id {
        form.authors = state
            .store
            .authors()
            .await?
            .into_iter()
            .find(|a| a.id == id)
            .map(|a| a.slug)
            .unwrap_or_default();
    }
    Screen { state: &state, who: &who, saved: None }.show(form, 0, StatusCode::OK, |_| {}).await
}

/// `GET /admin/articles/{id}`: the editor.
pub(crate) async fn edit(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
    Query(picked): Query<Picked>,
) -> Result<Response, WebError> {
    let a = state.store.editable_article(&who.actor(), id).await?;
    let mut form = EditorForm::of(&a.input, &vocabulary(&state).await?);
    picked.apply(&mut form);
    let version = a.version;
    Screen { state: &state, who: &who, saved: Some(a) }
        .show(form, version, StatusCode::OK, |_| {})
        .await
}

fn intent(s: &str, new: bool) -> Option<Step> {
    Some(match s {
        "submit" => Step::Submit,
        "schedule" | "schedule_email" => Step::Schedule,
        "publish" | "publish_email" => Step::Publish,
        "unpublish" => Step::Unpublish,
        "preview" => return None,
        _ if new => Step::Create,
        _ => Step::Update,
    })
}

/// `POST /admin/articles`: creates the article (and submits, schedules or publishes it).
pub(crate) async fn save_new(
    State(state): State<AppState>,
    who: SignedIn,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    save(&state, &who, None, Posted::parse(pairs)).await
}

/// `POST /admin/articles/{id}`: saves the editor's form.
pub(crate) async fn save_existing(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let saved = state.store.editable_article(&who.actor(), id).await?;
    save(&state, &who, Some(saved), Posted::parse(pairs)).await
}

async fn save(
    state: &AppState,
    who: &SignedIn,
    saved: Option<EditableArticle>,
    posted: Posted,
) -> Result<Response, WebError> {
    let screen = Screen { state, who, saved };
    let emailing = posted.intent.ends_with("email");
    let choice = if emailing {
        who.require(byline_core::staff::Action::ViewMembers)?;
        match email::check(state, &posted.form).await? {
            Ok(c) => Some(c),
            Err((field, message)) => {
                let inv = byline_core::Invalid(vec![FieldError::new(field, message)]);
                return screen.refused(posted, EditError::Store(StoreError::Invalid(inv))).await;
            }
        }
    } else {
        None
    };
    if let (Some(choice), "email") = (&choice, posted.intent.as_str()) {
        return email_only(&screen, posted, choice).await;
    }
    let Some(step) = intent(&posted.intent, screen.saved.is_none()) else {
        let html = markdown::to_html(&posted.form.body);
        return screen
            .show(posted.form, posted.version, StatusCode::OK, |p| p.preview = Some(html))
            .await;
    };
    let vocabulary = vocabulary(state).await?;
    let input = match posted.form.to_input(&vocabulary, screen.saved.as_ref()) {
        Ok(i) => i,
        Err(errs) => {
            let inv = byline_core::Invalid(errs);
            return screen.refused(posted, EditError::Store(StoreError::Invalid(inv))).await;
        }
    };
    let actor = who.actor();
    let result = match &screen.saved {
        None => state.store.create_article(&actor, &input, step).await,
        Some(a) => state.store.update_article(&actor, a.id, posted.version, &input, step).await,
    };
    match result {
        Ok(a) => {
            let slug = a.input.slug.clone().unwrap_or_default();
            match choice.as_ref() {
                None => flash(&who.session, step.done()).await,
                Some(c) => match email::email(state, &actor, &slug, c).await {
                    Ok(said) => flash(&who.session, format!("{} {said}", step.done())).await,
                    Err(why) => flash_error(&who.session, format!("{} {why}", step.done())).await,
                },
            }
            Ok(Redirect::to(&format!("/admin/articles/{}", a.id)).into_response())
        }
        Err(e) => screen.refused(posted, e).await,
    }
}

/// "Email only": emails the article as saved (the form is shown again as typed, so nothing
/// unsaved is lost), through the same use case as "publish and email".
async fn email_only(
    screen: &Screen<'_>,
    posted: Posted,
    choice: &email::Choice,
) -> Result<Response, WebError> {
    let Some(saved) = screen.saved.as_ref() else {
        let why = "save and publish (or schedule) the article before emailing it".to_owned();
        return screen.refused(posted, EditError::Store(StoreError::Conflict(why))).await;
    };
    let slug = saved.input.slug.clone().unwrap_or_default();
    let session = &screen.who.session;
    match email::email(screen.state, &screen.who.actor(), &slug, choice).await {
        Ok(said) => flash(session, format!("Emailed as saved: {said}")).await,
        Err(why) => flash_error(session, why).await,
    }
    screen.show(posted.form, posted.version, StatusCode::OK, |_| {}).await
}
