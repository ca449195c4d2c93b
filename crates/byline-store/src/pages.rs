//! Static pages: their rows, the readers, the importer's save by slug, and the newsroom's
//! create, edit and delete. Every page change touches the site frame (the navigation), so
//! each logs `site`; the newsroom's writes also write their audit line, in one transaction.

use crate::entity::{page as row, taxonomy};
use crate::{Outcome, Saved, Store, StoreError, audit, changes, write_row};
use byline_core::audit::{Actor, AuditRecord};
use byline_core::{Invalid, Page, PageInput};
use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

pub(crate) fn from_row(m: row::Model) -> Page {
    Page {
        id: m.id,
        slug: m.slug,
        title: m.title,
        body: m.body,
        body_html: m.body_html,
        weight: m.weight,
        in_nav: m.in_nav,
        updated_at: m.updated_at,
    }
}

impl Store {
    /// Creates the page, or updates the one with the same slug.
    pub async fn save_page(&self, input: &PageInput) -> Result<Saved<Page>, StoreError> {
        let mut tags = Vec::new();
        let saved = save_page_in(self.db(), input, &mut tags).await?;
        changes::log(self.db(), &tags).await?;
        Ok(saved)
    }

    pub async fn page(&self, slug: &str) -> Result<Page, StoreError> {
        row::Entity::find()
            .filter(row::Column::Slug.eq(slug))
            .one(self.db())
            .await?
            .map(from_row)
            .ok_or_else(|| StoreError::not_found("page", slug))
    }

    /// Every page, in navigation order.
    pub async fn pages(&self) -> Result<Vec<Page>, StoreError> {
        let rows = row::Entity::find()
            .order_by_asc(row::Column::Weight)
            .order_by_asc(row::Column::Title)
            .all(self.db())
            .await?;
        Ok(rows.into_iter().map(from_row).collect())
    }
}

impl Store {
    pub async fn page_by_id(&self, id: i64) -> Result<Page, StoreError> {
        find(self.db(), id).await.map(from_row)
    }

    pub async fn create_page(&self, actor: &Actor, input: &PageInput) -> Result<Page, StoreError> {
        let now = Utc::now();
        let p = input.validate(now)?;
        let txn = self.write().await?;
        slug_free(&txn, &p.slug, None).await?;
        let m = write_row(&txn, to_row(p, 0, now), Some(row::Column::Id)).await?;
        crate::slug_redirects::renamed(&txn, crate::SlugOf::Page, m.id, "", &m.slug).await?;
        changes::log(&txn, &[changes::SITE.to_owned()]).await?;
        audit::write(&txn, actor, &AuditRecord::new("page.create", subject(&m))).await?;
        let events = ["page.added", "page.published"];
        crate::webhooks::fire(&txn, &events, m.id, serde_json::json!({})).await?;
        txn.commit().await?;
        Ok(from_row(m))
    }

    pub async fn update_page(
        &self,
        actor: &Actor,
        id: i64,
        input: &PageInput,
    ) -> Result<Page, StoreError> {
        let now = Utc::now();
        let p = input.validate(now)?;
        let txn = self.write().await?;
        let old = find(&txn, id).await?;
        slug_free(&txn, &p.slug, Some(id)).await?;
        let mut new = to_row(p, id, old.created_at);
        new.updated_at = old.updated_at;
        if new == old {
            return Ok(from_row(old));
        }
        new.updated_at = now;
        let m = write_row(&txn, new, None).await?;
        crate::slug_redirects::renamed(&txn, crate::SlugOf::Page, id, &old.slug, &m.slug).await?;
        changes::log(&txn, &[changes::SITE.to_owned()]).await?;
        let mut rec = AuditRecord::new("page.update", subject(&m));
        if old.slug != m.slug {
            rec = rec.detail(format!("slug {} → {}", old.slug, m.slug));
        }
        audit::write(&txn, actor, &rec).await?;
        let previous = crate::webhooks::changed(&[
            ("title", Some(&old.title), Some(&m.title)),
            ("slug", Some(&old.slug), Some(&m.slug)),
            ("html", Some(&old.body_html), Some(&m.body_html)),
        ]);
        let events = ["page.edited", "page.published.edited"];
        crate::webhooks::fire(&txn, &events, id, previous).await?;
        txn.commit().await?;
        Ok(from_row(m))
    }

    pub async fn delete_page(&self, actor: &Actor, id: i64) -> Result<(), StoreError> {
        let txn = self.write().await?;
        let old = find(&txn, id).await?;
        row::Entity::delete_by_id(id).exec(&txn).await?;
        changes::log(&txn, &[changes::SITE.to_owned()]).await?;
        audit::write(&txn, actor, &AuditRecord::new("page.delete", subject(&old))).await?;
        let was =
            crate::webhooks::gone(id, &[("title", Some(&old.title)), ("slug", Some(&old.slug))]);
        crate::webhooks::fire(&txn, &["page.deleted"], id, was).await?;
        txn.commit().await?;
        Ok(())
    }
}

fn subject(m: &row::Model) -> String {
    format!("page {} “{}”", m.id, m.title)
}

fn to_row(p: Page, id: i64, created: chrono::DateTime<Utc>) -> row::Model {
    row::Model {
        id,
        slug: p.slug,
        title: p.title,
        body: p.body,
        body_html: p.body_html,
        weight: p.weight,
        in_nav: p.in_nav,
        created_at: created,
        updated_at: created,
    }
}

async fn find(db: &impl ConnectionTrait, id: i64) -> Result<row::Model, StoreError> {
    row::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::not_found("page", id.to_string()))
}

async fn slug_free(
    db: &impl ConnectionTrait,
    slug: &str,
    except: Option<i64>,
) -> Result<(), StoreError> {
    if let Some(c) = row::Entity::find().filter(row::Column::Slug.eq(slug)).one(db).await?
        && Some(c.id) != except
    {
        return Err(
            Invalid::one("slug", format!("{slug:?} is already the page {}", c.title)).into()
        );
    }
    if let Some(t) =
        taxonomy::Entity::find().filter(taxonomy::Column::Slug.eq(slug)).one(db).await?
    {
        return Err(Invalid::one(
            "slug",
            format!("{slug:?} is the address of the taxonomy {}; choose another", t.name),
        )
        .into());
    }
    Ok(())
}

/// [`Store::save_page`] on `db` (the caller's transaction, or none); the change log's tags go
/// to `tags`.
pub(crate) async fn save_page_in(
    db: &impl ConnectionTrait,
    input: &PageInput,
    tags: &mut Vec<String>,
) -> Result<Saved<Page>, StoreError> {
    let now = Utc::now();
    let p = input.validate(now)?;
    let clash = taxonomy::Entity::find().filter(taxonomy::Column::Slug.eq(&p.slug)).one(db).await?;
    if clash.is_some() {
        return Err(StoreError::Conflict(format!(
            "the slug {:?} is the taxonomy {:?}'s address; give the page another slug",
            p.slug,
            clash.map(|t| t.name).unwrap_or_default()
        )));
    }
    let existing = row::Entity::find().filter(row::Column::Slug.eq(&p.slug)).one(db).await?;
    let new = row::Model {
        id: existing.as_ref().map_or(0, |e| e.id),
        slug: p.slug,
        title: p.title,
        body: p.body,
        body_html: p.body_html,
        weight: p.weight,
        in_nav: p.in_nav,
        created_at: existing.as_ref().map_or(now, |e| e.created_at),
        updated_at: existing.as_ref().map_or(now, |e| e.updated_at),
    };
    let (m, outcome) = match existing {
        Some(old) if old == new => (old, Outcome::Unchanged),
        Some(_) => {
            (write_row(db, row::Model { updated_at: now, ..new }, None).await?, Outcome::Updated)
        }
        None => (write_row(db, new, Some(row::Column::Id)).await?, Outcome::Created),
    };
    if outcome != Outcome::Unchanged {
        tags.push(changes::SITE.to_owned());
    }
    Ok(Saved { value: from_row(m), outcome })
}
