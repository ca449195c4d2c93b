//! Static pages.

use crate::entity::{page as row, taxonomy};
use crate::{Outcome, Saved, Store, StoreError, changes, write_row};
use byline_core::{Page, PageInput};
use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

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
        let now = Utc::now();
        let p = input.validate(now)?;
        let db = self.db();
        let clash =
            taxonomy::Entity::find().filter(taxonomy::Column::Slug.eq(&p.slug)).one(db).await?;
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
            Some(_) => (
                write_row(db, row::Model { updated_at: now, ..new }, None).await?,
                Outcome::Updated,
            ),
            None => (write_row(db, new, Some(row::Column::Id)).await?, Outcome::Created),
        };
        if outcome != Outcome::Unchanged {
            changes::log(db, &[changes::SITE.to_owned()]).await?;
        }
        Ok(Saved { value: from_row(m), outcome })
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
