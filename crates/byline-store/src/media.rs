//! The media library's records. The files themselves live in media storage (byline-media);
//! a row names every file kept for its image, so deleting and exporting find them all.

use crate::entity::{article, media as row};
use crate::{Outcome, Paged, Saved, Store, StoreError};
use byline_core::audit::{Actor, AuditRecord};
use byline_core::media::{Media, MediaName, NewMedia, check_alt};
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};

/// An article that shows an image, as a refusal names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaUse {
    pub article_id: i64,
    pub title: String,
}

fn from_row(m: row::Model) -> Media {
    Media {
        id: m.id,
        url: m.url,
        original_name: m.original_name,
        content_type: m.content_type,
        width: m.width.max(0) as u32,
        height: m.height.max(0) as u32,
        bytes: m.bytes.max(0) as u64,
        files: m.files.lines().map(str::to_owned).collect(),
        alt: m.alt,
        uploaded_by: m.uploaded_by,
        uploaded_by_name: m.uploaded_by_name,
        uploaded_at: m.uploaded_at,
    }
}

fn subject(m: &Media) -> String {
    format!("media {} “{}”", m.id, m.original_name)
}

impl Store {
    /// Records an uploaded image. The same bytes uploaded again find the image already
    /// there (`Outcome::Unchanged`): names are content-addressed.
    pub async fn add_media(
        &self,
        actor: &Actor,
        new: &NewMedia,
    ) -> Result<Saved<Media>, StoreError> {
        let alt = check_alt(&new.alt)?;
        let url = new.name.url();
        let txn = self.db().begin().await?;
        if let Some(m) = row::Entity::find().filter(row::Column::Url.eq(&url)).one(&txn).await? {
            return Ok(Saved { value: from_row(m), outcome: Outcome::Unchanged });
        }
        let files: Vec<String> = new.name.files().into_iter().map(|c| c.key).collect();
        let res = row::Entity::insert(row::ActiveModel {
            url: Set(url),
            original_name: Set(byline_core::media::clean_file_name(&new.original_name)),
            content_type: Set(new.name.format.content_type().to_owned()),
            width: Set(new.name.width as i32),
            height: Set(new.name.height as i32),
            bytes: Set(new.bytes as i64),
            files: Set(files.join("\n")),
            alt: Set(alt),
            uploaded_by: Set(actor.staff_id),
            uploaded_by_name: Set(actor.name.clone()),
            uploaded_at: Set(Utc::now()),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
        let m = find(&txn, res.last_insert_id).await?;
        crate::audit::write(
            &txn,
            actor,
            &AuditRecord::new("media.upload", subject(&m))
                .detail(format!("{} × {} {}", m.width, m.height, m.content_type)),
        )
        .await?;
        txn.commit().await?;
        Ok(Saved { value: m, outcome: Outcome::Created })
    }

    pub async fn media(&self, id: i64) -> Result<Media, StoreError> {
        find(self.db(), id).await
    }

    /// The library image at this URL (`/media/…`, or absolute).
    pub async fn media_by_url(&self, url: &str) -> Result<Media, StoreError> {
        let path = MediaName::parse_url(url).map(|(_, n)| n.url()).unwrap_or_else(|| url.into());
        row::Entity::find()
            .filter(row::Column::Url.eq(&path))
            .one(self.db())
            .await?
            .map(from_row)
            .ok_or_else(|| StoreError::not_found("media", url))
    }

    /// One page (1-based) of the library, newest first.
    pub async fn media_library(
        &self,
        page: u64,
        per_page: u64,
    ) -> Result<Paged<Media>, StoreError> {
        let page = Ord::max(page, 1);
        let total = row::Entity::find().count(self.db()).await?;
        let rows = row::Entity::find()
            .order_by_desc(row::Column::Id)
            .limit(per_page)
            .offset((page - 1) * per_page)
            .all(self.db())
            .await?;
        Ok(Paged { items: rows.into_iter().map(from_row).collect(), page, per_page, total })
    }

    /// Describes an image. Articles keep their own alt text; this is what pickers offer.
    pub async fn set_media_alt(
        &self,
        actor: &Actor,
        id: i64,
        alt: &str,
    ) -> Result<Media, StoreError> {
        let alt = check_alt(alt)?;
        let txn = self.db().begin().await?;
        let before = find(&txn, id).await?;
        row::Entity::update_many()
            .col_expr(row::Column::Alt, Expr::value(alt.clone()))
            .filter(row::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        crate::audit::write(&txn, actor, &AuditRecord::new("media.describe", subject(&before)))
            .await?;
        txn.commit().await?;
        Ok(Media { alt, ..before })
    }

    /// Articles that show this image, as their featured image or in their text.
    pub async fn media_uses(&self, media: &Media) -> Result<Vec<MediaUse>, StoreError> {
        uses(self.db(), media).await
    }

    /// Forgets an image, unless an article uses it (`Conflict` naming them). Returns the
    /// record, whose files the caller then deletes from storage.
    pub async fn delete_media(&self, actor: &Actor, id: i64) -> Result<Media, StoreError> {
        let txn = self.db().begin().await?;
        let m = find(&txn, id).await?;
        let used = uses(&txn, &m).await?;
        if !used.is_empty() {
            let names: Vec<String> =
                used.iter().map(|u| format!("“{}” (article {})", u.title, u.article_id)).collect();
            return Err(StoreError::Conflict(format!(
                "this image is still used by {}; choose another image there first",
                names.join(", ")
            )));
        }
        row::Entity::delete_by_id(id).exec(&txn).await?;
        crate::audit::write(&txn, actor, &AuditRecord::new("media.delete", subject(&m))).await?;
        txn.commit().await?;
        Ok(m)
    }
}

async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Media, StoreError> {
    row::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(from_row)
        .ok_or_else(|| StoreError::not_found("media", id.to_string()))
}

async fn uses(db: &impl ConnectionTrait, m: &Media) -> Result<Vec<MediaUse>, StoreError> {
    // Any file of the image: its folder is unique to it.
    let folder = match MediaName::parse_url(&m.url) {
        Some((_, n)) => format!("%/media/{}/%", n.folder),
        None => format!("%{}%", m.url),
    };
    let rows: Vec<(i64, String)> = article::Entity::find()
        .select_only()
        .column(article::Column::Id)
        .column(article::Column::Title)
        .filter(
            sea_orm::Condition::any()
                .add(article::Column::ImageUrl.like(folder.clone()))
                .add(article::Column::Body.like(folder)),
        )
        .order_by_asc(article::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(article_id, title)| MediaUse { article_id, title }).collect())
}
