//! The media library's records. The files themselves live in media storage (byline-media);
//! a row names every file kept for its image, so deleting and exporting find them all.

use crate::entity::{
    article, article_author, article_term, author, media as row, page, publication,
};
use crate::{Outcome, Paged, Saved, Store, StoreError, changes};
use byline_core::audit::{Actor, AuditRecord};
use byline_core::jobs::MakeImageCopies;
use byline_core::media::{Media, MediaName, NewMedia, URL_PREFIX, check_alt};
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

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
    /// Records an uploaded image, and when its copies are still to be made, queues the job
    /// that makes them in the same transaction. The same bytes uploaded again find the image
    /// already there (`Outcome::Unchanged`), with or without its copies: folders are
    /// content-addressed.
    pub async fn add_media(
        &self,
        actor: &Actor,
        new: &NewMedia,
    ) -> Result<Saved<Media>, StoreError> {
        let alt = check_alt(&new.alt)?;
        let url = new.name.url();
        let folder = format!("{URL_PREFIX}{}/", new.name.folder);
        let txn = self.write().await?;
        if let Some(m) =
            row::Entity::find().filter(row::Column::Url.starts_with(&folder)).one(&txn).await?
        {
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
        if new.copies_due {
            crate::jobs::enqueue(&txn, &MakeImageCopies { media_id: m.id }).await?;
        }
        txn.commit().await?;
        Ok(Saved { value: m, outcome: Outcome::Created })
    }

    /// Records that an image's copies exist (their files already kept): the library, and
    /// every article, author photo, page and logo that used the image's old URL, move to the
    /// name that lists the copies, and their pages are marked changed so caches render them
    /// again with `srcset`. The old original's file stays listed (links to it keep working).
    /// Does nothing when the image was moved already or is gone.
    pub async fn media_copies_made(
        &self,
        id: i64,
        from: &MediaName,
        to: &MediaName,
    ) -> Result<Option<Media>, StoreError> {
        let (old, new) = (from.url(), to.url());
        let txn = self.write().await?;
        let Some(m) = row::Entity::find_by_id(id).one(&txn).await? else {
            return Ok(None);
        };
        if m.url != old {
            return Ok(None);
        }
        let mut files: Vec<String> = m.files.lines().map(str::to_owned).collect();
        for f in to.files() {
            if !files.contains(&f.key) {
                files.push(f.key);
            }
        }
        row::Entity::update_many()
            .col_expr(row::Column::Url, Expr::value(new.clone()))
            .col_expr(row::Column::Files, Expr::value(files.join("\n")))
            .filter(row::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        let tags = move_references(&txn, &old, &new).await?;
        changes::log(&txn, &tags).await?;
        let m = find(&txn, id).await?;
        txn.commit().await?;
        Ok(Some(m))
    }

    pub async fn media(&self, id: i64) -> Result<Media, StoreError> {
        find(self.db(), id).await
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
        let txn = self.write().await?;
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

    /// Forgets an image, unless an article, an author's photo or a page uses it (`Conflict`
    /// naming them). Returns the
    /// record, whose files the caller then deletes from storage.
    pub async fn delete_media(&self, actor: &Actor, id: i64) -> Result<Media, StoreError> {
        let txn = self.write().await?;
        let m = find(&txn, id).await?;
        let used = uses(&txn, &m).await?;
        if !used.is_empty() {
            return Err(StoreError::Conflict(format!(
                "this image is still used by {}; choose another image there first",
                used.join(", ")
            )));
        }
        row::Entity::delete_by_id(id).exec(&txn).await?;
        crate::audit::write(&txn, actor, &AuditRecord::new("media.delete", subject(&m))).await?;
        txn.commit().await?;
        Ok(m)
    }
}

/// `REPLACE(column, old, new)`, the same in SQLite and PostgreSQL.
fn replaced(column: impl sea_orm::sea_query::IntoColumnRef, old: &str, new: &str) -> Expr {
    sea_orm::sea_query::Func::cust("REPLACE")
        .args([Expr::col(column), Expr::value(old.to_owned()), Expr::value(new.to_owned())])
        .into()
}

/// Points whatever shows the image at `old` to `new`; returns the cache tags of the pages
/// that show it.
async fn move_references(
    db: &impl ConnectionTrait,
    old: &str,
    new: &str,
) -> Result<Vec<String>, StoreError> {
    let anywhere = format!("%{old}%");
    let article_ids: Vec<i64> = article::Entity::find()
        .select_only()
        .column(article::Column::Id)
        .filter(
            sea_orm::Condition::any()
                .add(article::Column::ImageUrl.eq(old))
                .add(article::Column::Body.like(anywhere.clone())),
        )
        .into_tuple()
        .all(db)
        .await?;
    let mut tags = Vec::new();
    if !article_ids.is_empty() {
        article::Entity::update_many()
            .col_expr(article::Column::ImageUrl, replaced(article::Column::ImageUrl, old, new))
            .col_expr(article::Column::Body, replaced(article::Column::Body, old, new))
            .col_expr(article::Column::BodyHtml, replaced(article::Column::BodyHtml, old, new))
            .filter(article::Column::Id.is_in(article_ids.clone()))
            .exec(db)
            .await?;
        // As an article's own edit does: its page, the lists, its authors' and terms' pages.
        tags.push(changes::LIST.to_owned());
        tags.extend(article_ids.iter().map(|&a| changes::article(a)));
        let authors: Vec<i64> = article_author::Entity::find()
            .select_only()
            .column(article_author::Column::AuthorId)
            .filter(article_author::Column::ArticleId.is_in(article_ids.clone()))
            .into_tuple()
            .all(db)
            .await?;
        tags.extend(authors.into_iter().map(changes::author));
        let terms: Vec<i64> = article_term::Entity::find()
            .select_only()
            .column(article_term::Column::TermId)
            .filter(article_term::Column::ArticleId.is_in(article_ids))
            .into_tuple()
            .all(db)
            .await?;
        tags.extend(terms.into_iter().map(changes::term));
    }
    let photographed: Vec<i64> = author::Entity::find()
        .select_only()
        .column(author::Column::Id)
        .filter(author::Column::Photo.eq(old))
        .into_tuple()
        .all(db)
        .await?;
    if !photographed.is_empty() {
        author::Entity::update_many()
            .col_expr(author::Column::Photo, Expr::value(new.to_owned()))
            .filter(author::Column::Id.is_in(photographed.clone()))
            .exec(db)
            .await?;
        tags.push(changes::LIST.to_owned());
        tags.extend(photographed.into_iter().map(changes::author));
    }
    let pages = page::Entity::update_many()
        .col_expr(page::Column::Body, replaced(page::Column::Body, old, new))
        .col_expr(page::Column::BodyHtml, replaced(page::Column::BodyHtml, old, new))
        .filter(page::Column::Body.like(anywhere))
        .exec(db)
        .await?;
    let logos = publication::Entity::update_many()
        .col_expr(publication::Column::Logo, Expr::value(new.to_owned()))
        .filter(publication::Column::Logo.eq(old))
        .exec(db)
        .await?;
    if pages.rows_affected + logos.rows_affected > 0 {
        tags.push(changes::SITE.to_owned());
    }
    Ok(tags)
}

async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Media, StoreError> {
    row::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(from_row)
        .ok_or_else(|| StoreError::not_found("media", id.to_string()))
}

/// Every place that shows an image, as a refusal names it: articles (featured image or
/// text), author photos and static pages.
async fn uses(db: &impl ConnectionTrait, m: &Media) -> Result<Vec<String>, StoreError> {
    // Any file of the image: its folder is unique to it.
    let folder = match MediaName::parse_url(&m.url) {
        Some((_, n)) => format!("%/media/{}/%", n.folder),
        None => format!("%{}%", m.url),
    };
    let articles: Vec<(i64, String)> = article::Entity::find()
        .select_only()
        .column(article::Column::Id)
        .column(article::Column::Title)
        .filter(
            sea_orm::Condition::any()
                .add(article::Column::ImageUrl.like(folder.clone()))
                .add(article::Column::Body.like(folder.clone())),
        )
        .order_by_asc(article::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let authors: Vec<String> = author::Entity::find()
        .select_only()
        .column(author::Column::Name)
        .filter(author::Column::Photo.like(folder.clone()))
        .into_tuple()
        .all(db)
        .await?;
    let pages: Vec<String> = page::Entity::find()
        .select_only()
        .column(page::Column::Title)
        .filter(page::Column::Body.like(folder))
        .into_tuple()
        .all(db)
        .await?;
    let mut used: Vec<String> =
        articles.into_iter().map(|(id, title)| format!("“{title}” (article {id})")).collect();
    used.extend(authors.into_iter().map(|name| format!("{name}'s author photo")));
    used.extend(pages.into_iter().map(|title| format!("the page “{title}”")));
    Ok(used)
}
