//! Managing static pages: create, edit, delete. Every page change touches the site frame
//! (the navigation), so each logs `site`.

use crate::entity::{page as row, taxonomy};
use crate::pages::from_row;
use crate::{Store, StoreError, audit, changes, write_row};
use byline_core::audit::{Actor, AuditRecord};
use byline_core::{Invalid, Page, PageInput};
use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

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
        txn.commit().await?;
        Ok(from_row(m))
    }

    pub async fn delete_page(&self, actor: &Actor, id: i64) -> Result<(), StoreError> {
        let txn = self.write().await?;
        let old = find(&txn, id).await?;
        row::Entity::delete_by_id(id).exec(&txn).await?;
        changes::log(&txn, &[changes::SITE.to_owned()]).await?;
        audit::write(&txn, actor, &AuditRecord::new("page.delete", subject(&old))).await?;
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
