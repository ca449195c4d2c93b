//! Authors: save (by slug), find, list.

use crate::entity::author as row;
use crate::write_row;
use crate::{Outcome, Saved, Store, StoreError, changes};
use byline_core::{Author, AuthorInput, AuthorLink};
use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

pub(crate) fn from_row(m: row::Model) -> Author {
    Author {
        id: m.id,
        links: serde_json::from_str::<Vec<AuthorLink>>(&m.links).unwrap_or_default(),
        slug: m.slug,
        name: m.name,
        bio: m.bio,
        bio_html: m.bio_html,
        photo: m.photo,
        website: m.website,
        email: m.email,
        guest: m.guest,
    }
}

impl Store {
    /// Creates the author, or updates the one with the same slug.
    pub async fn save_author(&self, input: &AuthorInput) -> Result<Saved<Author>, StoreError> {
        save_author(self.db(), input).await
    }

    pub async fn author(&self, slug: &str) -> Result<Author, StoreError> {
        row::Entity::find()
            .filter(row::Column::Slug.eq(slug))
            .one(self.db())
            .await?
            .map(from_row)
            .ok_or_else(|| StoreError::not_found("author", slug))
    }

    /// Every author, by name.
    pub async fn authors(&self) -> Result<Vec<Author>, StoreError> {
        let rows = row::Entity::find().order_by_asc(row::Column::Name).all(self.db()).await?;
        Ok(rows.into_iter().map(from_row).collect())
    }
}

pub(crate) async fn save_author(
    db: &impl ConnectionTrait,
    input: &AuthorInput,
) -> Result<Saved<Author>, StoreError> {
    let a = input.validate()?;
    let existing = row::Entity::find().filter(row::Column::Slug.eq(&a.slug)).one(db).await?;
    let now = Utc::now();
    let new = row::Model {
        id: existing.as_ref().map_or(0, |e| e.id),
        links: serde_json::to_string(&a.links).expect("links serialize"),
        slug: a.slug,
        name: a.name,
        bio: a.bio,
        bio_html: a.bio_html,
        photo: a.photo,
        website: a.website,
        email: a.email,
        guest: a.guest,
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
        changes::log(db, &[changes::author(m.id), changes::LIST.to_owned()]).await?;
    }
    Ok(Saved { value: from_row(m), outcome })
}
