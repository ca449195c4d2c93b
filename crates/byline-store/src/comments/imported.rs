//! Comments brought by an importer (WordPress's `wp:comment`), kept by the key they had
//! there so that a second import updates them instead of adding them again. They belong to
//! no member: the name they were written under is kept, never the address.

use super::{row, settings};
use crate::{Recorded, Store, StoreError, changes};
use byline_core::comment_text;
use byline_core::comments::CommentStatus;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};
use std::collections::HashMap;

/// One comment as an importer read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedComment {
    /// Where it was found (`wordpress:https://old.example/?p=7#12`): unique per comment.
    pub key: String,
    /// The key of the comment it replies to, if any.
    pub parent_key: Option<String>,
    pub author_name: String,
    /// In the comments' Markdown subset.
    pub body: String,
    pub status: CommentStatus,
    pub created_at: DateTime<Utc>,
}

impl Store {
    /// Keeps the comments an importer read for one article, in one transaction, parents
    /// before their replies. A comment already kept under its key is brought up to date; a
    /// reply whose parent is not among them (nor kept) becomes a comment of its own, and a
    /// reply deeper than the publication's threads nest joins its parent's level.
    pub async fn import_comments(
        &self,
        article_id: i64,
        comments: &[ImportedComment],
    ) -> Result<Recorded, StoreError> {
        if comments.is_empty() {
            return Ok(Recorded::default());
        }
        let txn = self.write().await?;
        let mut tags = Vec::new();
        let done = import_comments_in(&txn, article_id, comments, &mut tags).await?;
        changes::log(&txn, &tags).await?;
        txn.commit().await?;
        Ok(done)
    }
}

/// [`Store::import_comments`] in the caller's transaction; the change log's tags go to `tags`.
pub(crate) async fn import_comments_in(
    txn: &impl ConnectionTrait,
    article_id: i64,
    comments: &[ImportedComment],
    tags: &mut Vec<String>,
) -> Result<Recorded, StoreError> {
    let mut done = Recorded::default();
    let s = settings::settings_in(txn).await?;
    // Key → (id, depth, parent id) of the comments kept so far.
    let mut kept: HashMap<String, (i64, u32, Option<i64>)> = HashMap::new();
    for c in comments {
        let parent = c.parent_key.as_ref().and_then(|k| kept.get(k)).copied();
        let (parent_id, depth) = match parent {
            None => (None, 0),
            Some((pid, pdepth, grandparent)) => {
                let at = s.reply_parent(pid, pdepth, grandparent);
                (at, if at == Some(pid) { pdepth + 1 } else { pdepth })
            }
        };
        let body_html = comment_text::to_html(&c.body);
        let status = c.status.as_str().to_owned();
        let existing =
            row::Entity::find().filter(row::Column::ImportKey.eq(&c.key)).one(txn).await?;
        let id = match existing {
            Some(m)
                if m.article_id == article_id
                    && m.parent_id == parent_id
                    && m.author_name == c.author_name
                    && m.body == c.body
                    && m.status == status
                    && m.created_at == c.created_at =>
            {
                done.unchanged += 1;
                m.id
            }
            Some(m) => {
                let id = m.id;
                let mut a: row::ActiveModel = m.into();
                a.article_id = Set(article_id);
                a.parent_id = Set(parent_id);
                a.author_name = Set(c.author_name.clone());
                a.body = Set(c.body.clone());
                a.body_html = Set(body_html);
                a.status = Set(status);
                a.created_at = Set(c.created_at);
                a.updated_at = Set(Utc::now());
                a.update(txn).await?;
                done.updated += 1;
                id
            }
            None => {
                let saved = row::Entity::insert(row::ActiveModel {
                    article_id: Set(article_id),
                    parent_id: Set(parent_id),
                    member_id: Set(None),
                    staff_id: Set(None),
                    author_name: Set(c.author_name.clone()),
                    body: Set(c.body.clone()),
                    body_html: Set(body_html),
                    status: Set(status),
                    held_because: Set(String::new()),
                    pinned: Set(false),
                    hidden: Set(false),
                    client: Set(None),
                    created_at: Set(c.created_at),
                    edited_at: Set(None),
                    updated_at: Set(c.created_at),
                    // Nobody is told of replies written elsewhere, long ago.
                    reply_mailed: Set(true),
                    import_key: Set(Some(c.key.clone())),
                    ..Default::default()
                })
                .exec_with_returning(txn)
                .await?;
                done.created += 1;
                saved.id
            }
        };
        kept.insert(c.key.clone(), (id, depth, parent_id));
    }
    if done.created + done.updated > 0 {
        tags.push(changes::article(article_id));
    }
    Ok(done)
}
