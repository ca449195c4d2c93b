//! The editorial use cases: create, save, submit, schedule, publish, unpublish, trash,
//! restore, delete for good. Each is one transaction that checks the actor's permission
//! against the article's current byline and status (`byline_core::editorial`), refuses a save
//! that started from an older version, writes the row with the next version, keeps a
//! revision, writes an audit line and logs the cache tags of the public pages it touches.

use super::access::{linked_tiers, set_tiers, tier_ids};
use super::resolve::{resolve_authors, resolve_terms, slug_for};
use super::revisions;
use super::shared::{EditError, editable, link, linked_terms, load, status, subject};
use crate::entity::article;
use crate::slug_redirects::{self, SlugOf};
use crate::{Store, StoreError, audit, changes};
use byline_core::audit::{Actor, AuditRecord};
use byline_core::editorial::{self, EditableArticle, Refused, Step};
use byline_core::{ArticleInput, ArticleStatus, FieldError, Invalid};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter,
};

/// What a change is called in its revision and in the audit log.
struct Why {
    revision: String,
    audit: String,
}

impl Why {
    fn of(step: Step) -> Self {
        Self { revision: step.as_str().into(), audit: step.audit_action() }
    }
}

impl Store {
    /// Creates an article as a draft, then takes `step` (save only, submit, schedule or
    /// publish) in the same transaction. With no byline given, the writer's own author
    /// profile is the byline.
    pub async fn create_article(
        &self,
        actor: &Actor,
        input: &ArticleInput,
        step: Step,
    ) -> Result<EditableArticle, EditError> {
        Step::Create.permit(actor, &[], ArticleStatus::Draft)?;
        let txn = self.write().await?;
        let mut input = input.clone();
        if editorial::author_slugs(&input).is_empty()
            && let Some(id) = actor.author_id
            && let Some(own) = crate::entity::author::Entity::find_by_id(id).one(&txn).await?
        {
            input.authors = vec![own.slug];
        }
        let now = Utc::now();
        let blank = article::Model {
            id: 0,
            slug: String::new(),
            title: String::new(),
            subtitle: None,
            body: String::new(),
            body_html: String::new(),
            excerpt: String::new(),
            excerpt_given: false,
            status: ArticleStatus::Draft.as_str().into(),
            published_at: None,
            updated_at: None,
            image_url: None,
            image_alt: None,
            image_caption: None,
            note: None,
            note_html: None,
            source_name: None,
            source_url: None,
            copyright_holder: None,
            copyright_year: None,
            license: None,
            canonical_url: None,
            seo_title: None,
            seo_description: None,
            import_key: None,
            created_at: now,
            modified_at: now,
            republish: None,
            comments: None,
            comments_close_days: None,
            featured: false,
            version: 0,
            modified_by: None,
            trashed_at: None,
            access: "public".into(),
            preview_html: String::new(),
            members_from: 0,
        };
        let step = if step == Step::Update { Step::Create } else { step };
        let why = Why { revision: "create".into(), audit: Step::Create.audit_action() };
        let id = apply(&txn, actor, blank, Vec::new(), &input, step, why).await?;
        let out = editable(&txn, id).await?;
        txn.commit().await?;
        Ok(out)
    }

    /// Saves an article's fields and takes `step` (update, submit, schedule, publish,
    /// unpublish) in one transaction. `version` is the version the editor started from.
    pub async fn update_article(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        input: &ArticleInput,
        step: Step,
    ) -> Result<EditableArticle, EditError> {
        self.update_as(actor, id, version, input, step, Why::of(step)).await
    }

    /// A revision's fields saved again (see `restore_revision`).
    pub(super) async fn save_restored(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        input: &ArticleInput,
        restored: i64,
    ) -> Result<EditableArticle, EditError> {
        let why = Why {
            revision: format!("restore version {restored}"),
            audit: "article.restore_revision".into(),
        };
        self.update_as(actor, id, version, input, Step::Update, why).await
    }

    async fn update_as(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        input: &ArticleInput,
        step: Step,
        why: Why,
    ) -> Result<EditableArticle, EditError> {
        let txn = self.write().await?;
        let (row, byline) = load(&txn, id).await?;
        let from = status(&row.status);
        Step::Update.permit(actor, &byline, from)?;
        step.permit(actor, &byline, from)?;
        if row.version != version {
            return Err(EditError::Stale(Box::new(editable(&txn, id).await?)));
        }
        apply(&txn, actor, row, byline, input, step, why).await?;
        let out = editable(&txn, id).await?;
        txn.commit().await?;
        Ok(out)
    }

    /// Takes a step that changes no field: submit, schedule (at `at`), publish, unpublish,
    /// trash, restore. With a `version`, refuses if the article has changed since.
    pub async fn article_step(
        &self,
        actor: &Actor,
        id: i64,
        version: Option<i64>,
        step: Step,
        at: Option<DateTime<Utc>>,
    ) -> Result<EditableArticle, EditError> {
        let txn = self.write().await?;
        let (row, byline) = load(&txn, id).await?;
        step.permit(actor, &byline, status(&row.status))?;
        let current = editable(&txn, id).await?;
        if version.is_some_and(|v| v != row.version) {
            return Err(EditError::Stale(Box::new(current)));
        }
        let mut input = current.input;
        if step == Step::Schedule {
            input.published_at = at;
        }
        apply(&txn, actor, row, byline, &input, step, Why::of(step)).await?;
        let out = editable(&txn, id).await?;
        txn.commit().await?;
        Ok(out)
    }

    /// Deletes an article in the trash for good, with its revisions.
    pub async fn purge_article(&self, actor: &Actor, id: i64) -> Result<(), EditError> {
        let txn = self.write().await?;
        let (row, byline) = load(&txn, id).await?;
        Step::Purge.permit(actor, &byline, status(&row.status))?;
        Step::Purge.target(status(&row.status)).map_err(StoreError::Conflict)?;
        article::Entity::delete_by_id(id).exec(&txn).await?;
        audit::write(&txn, actor, &AuditRecord::new("article.purge", subject(id, &row.title)))
            .await?;
        crate::webhooks::article_deleted(&txn, &row).await?;
        txn.commit().await?;
        Ok(())
    }

    /// An article as the editor opens it, if the actor may see it.
    pub async fn editable_article(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<EditableArticle, EditError> {
        let a = editable(self.db(), id).await?;
        if !editorial::may_view(actor, &a.author_ids) {
            return Err(Refused(format!(
                "your role ({}) may only open articles you write",
                actor.role
            ))
            .into());
        }
        Ok(a)
    }
}

/// Validates `input` for the step's target status, resolves the byline and terms (both must
/// exist: the editor does not create authors or terms), writes the row at the next version
/// (only if nobody else did meanwhile), and keeps the revision, audit line and cache tags.
async fn apply(
    txn: &DatabaseTransaction,
    actor: &Actor,
    old: article::Model,
    old_byline: Vec<i64>,
    input: &ArticleInput,
    step: Step,
    why: Why,
) -> Result<i64, EditError> {
    let from = status(&old.status);
    let target = step.target(from).map_err(StoreError::Conflict)?;
    let now = Utc::now();
    let mut errors: Vec<FieldError> = Vec::new();
    let asked = input.published_at.or(if from.is_live() { old.published_at } else { None });
    let published_at = editorial::timing(step, target, asked, now).unwrap_or_else(|e| {
        errors.extend(e.0);
        asked
    });
    let checked = ArticleInput { status: target, published_at, ..input.clone() };
    let fields = checked.validate().map_err(|e| errors.extend(editorial::field_names(e).0)).ok();
    let author_ids = resolve_authors(txn, input, &mut errors).await?;
    if errors.iter().all(|e| e.field != "authors")
        && let Err(e) = editorial::check_byline(actor, &author_ids)
    {
        errors.extend(e.0);
    }
    if old.id == 0 && step != Step::Create {
        // Creating and publishing (or submitting) at once: the new byline decides "own".
        step.permit(actor, &author_ids, ArticleStatus::Draft)?;
    }
    let term_ids = resolve_terms(txn, input, &mut errors).await?;
    let tiers = match &fields {
        Some(f) => tier_ids(txn, &f.access, &mut errors).await?,
        None => Vec::new(),
    };
    let slug = match &fields {
        Some(f) => slug_for(txn, input, &f.slug, old.id, &mut errors).await?,
        None => String::new(),
    };
    let (Some(f), true) = (fields, errors.is_empty()) else {
        // The timing and the fields' own checks may both say a time is missing: once is enough.
        let mut once: Vec<FieldError> = Vec::new();
        errors.into_iter().for_each(|e| {
            if !once.contains(&e) {
                once.push(e)
            }
        });
        return Err(Invalid(once).into());
    };
    let trashed_at = match target {
        ArticleStatus::Trash => old.trashed_at.or(Some(now)),
        _ => None,
    };
    let new = article::Model {
        slug,
        title: f.title,
        subtitle: f.subtitle,
        body: f.body,
        body_html: f.body_html,
        excerpt: f.excerpt,
        excerpt_given: f.excerpt_given,
        status: target.as_str().to_owned(),
        published_at: f.published_at,
        updated_at: f.updated_at,
        image_url: f.image.as_ref().map(|i| i.url.clone()),
        image_alt: f.image.as_ref().map(|i| i.alt.clone()),
        image_caption: f.image.as_ref().and_then(|i| i.caption.clone()),
        note: f.note,
        note_html: f.note_html,
        source_name: f.source.as_ref().map(|s| s.name.clone()),
        source_url: f.source.as_ref().and_then(|s| s.url.clone()),
        copyright_holder: f.copyright_holder,
        copyright_year: f.copyright_year,
        license: f.license.map(|l| l.code().to_owned()),
        canonical_url: f.canonical_url,
        seo_title: f.seo_title,
        seo_description: f.seo_description,
        republish: f.republish,
        comments: f.comments,
        comments_close_days: f.comments_close_after_days.map(|d| d as i32),
        featured: f.featured,
        access: f.access.as_str().to_owned(),
        preview_html: f.preview_html,
        members_from: f.members_from as i64,
        trashed_at,
        ..old.clone()
    };
    let old_terms = if old.id == 0 { Vec::new() } else { linked_terms(txn, old.id).await? };
    let old_tiers = if old.id == 0 { Vec::new() } else { linked_tiers(txn, old.id).await? };
    let mut sorted_terms = term_ids.clone();
    sorted_terms.sort_unstable();
    if old.id != 0
        && new == old
        && old_byline == author_ids
        && old_terms == sorted_terms
        && old_tiers == tiers
    {
        return Ok(old.id); // nothing changed: no new version
    }
    let new = article::Model {
        version: old.version + 1,
        modified_at: now,
        modified_by: Some(actor.name.clone()),
        ..new
    };
    let id = if old.id == 0 {
        let mut am = new.clone().into_active_model().reset_all();
        am.not_set(article::Column::Id);
        am.insert(txn).await?.id
    } else {
        let mut am = new.clone().into_active_model().reset_all();
        am.not_set(article::Column::Id);
        let res = article::Entity::update_many()
            .set(am)
            .filter(article::Column::Id.eq(old.id))
            .filter(article::Column::Version.eq(old.version))
            .exec(txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(EditError::Stale(Box::new(editable(txn, old.id).await?)));
        }
        old.id
    };
    link(txn, id, &author_ids, &term_ids, false).await?;
    set_tiers(txn, id, &tiers).await?;
    slug_redirects::renamed(txn, SlugOf::Article, id, &old.slug, &new.slug).await?;
    if from == ArticleStatus::Published || target == ArticleStatus::Published {
        let mut tags = vec![changes::article(id), changes::LIST.to_owned()];
        tags.extend(old_byline.iter().chain(&author_ids).map(|&a| changes::author(a)));
        tags.extend(old_terms.iter().chain(&term_ids).map(|&t| changes::term(t)));
        changes::log(txn, &tags).await?;
    } else {
        changes::log(txn, &[changes::draft(id)]).await?;
    }
    let snapshot = editable(txn, id).await?.input;
    revisions::keep(txn, id, new.version, actor, &why.revision, &snapshot).await?;
    let detail = if from == target {
        String::new()
    } else {
        format!("{} → {}", from.as_str(), target.as_str())
    };
    let record = AuditRecord::new(why.audit, subject(id, &new.title)).detail(detail);
    audit::write(txn, actor, &record).await?;
    let saved = article::Model { id, ..new };
    crate::webhooks::article_saved(txn, (old.id != 0).then_some(&old), &saved).await?;
    Ok(id)
}
