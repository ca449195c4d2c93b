//! The contact desk's messages: a reader's message is stored (the admin's inbox) and its mail
//! queued in one transaction, after the public form's rate limit and duplicate check; the mail
//! job reads it and records where it went; staff mark messages handled or delete them, audited.

use crate::entity::contact_message as row;
use crate::spam::{self, FormLimits, Gate};
use crate::{Paged, Store, StoreError, audit, jobs};
use byline_core::audit::{Actor, AuditRecord};
use byline_core::contact::{ContactFields, ContactMessage, ContactSubject};
use byline_core::jobs::SendContactMessage;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

/// The contact form's limits: five messages an hour from one address; the same text from
/// the same address within a day is a duplicate.
pub const CONTACT_LIMITS: FormLimits =
    FormLimits { per_client: 5, window: Duration::hours(1), duplicate_within: Duration::hours(24) };

/// What became of a message sent from the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactOutcome {
    /// Kept in the inbox, its mail queued.
    Received { id: i64 },
    /// The same message arrived already; nothing new was kept.
    Duplicate,
    /// Too many messages from this address lately.
    Limited { retry_after: u64 },
}

/// Which messages the inbox lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InboxFilter {
    #[default]
    Open,
    Handled,
    All,
}

impl InboxFilter {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "" | "open" => Some(Self::Open),
            "handled" => Some(Self::Handled),
            "all" => Some(Self::All),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Handled => "handled",
            Self::All => "all",
        }
    }
}

fn from_row(m: row::Model) -> ContactMessage {
    ContactMessage {
        id: m.id,
        subject: ContactSubject::parse(&m.subject).unwrap_or(ContactSubject::General),
        name: m.name,
        email: m.email,
        message: m.message,
        created_at: m.created_at,
        sent_at: m.sent_at,
        sent_to: m.sent_to,
        handled_at: m.handled_at,
    }
}

impl Store {
    /// Keeps a reader's message and queues its mail, unless `client` sent too many lately
    /// or sent the same message already. One transaction: the message is never mailed
    /// without being kept, nor kept without its mail queued.
    pub async fn receive_contact_message(
        &self,
        fields: &ContactFields,
        client: &str,
        now: DateTime<Utc>,
    ) -> Result<ContactOutcome, StoreError> {
        let txn = self.write().await?;
        let print = byline_core::spam::fingerprint(&fields.email, &fields.message);
        match spam::admit(&txn, "contact", client, &print, CONTACT_LIMITS, now).await? {
            Gate::Limited { retry_after } => return Ok(ContactOutcome::Limited { retry_after }),
            Gate::Duplicate => return Ok(ContactOutcome::Duplicate),
            Gate::Open => {}
        }
        let id = row::Entity::insert(row::ActiveModel {
            name: Set(fields.name.clone()),
            email: Set(fields.email.clone()),
            subject: Set(fields.subject.as_str().to_owned()),
            message: Set(fields.message.clone()),
            client: Set(Some(client.chars().take(64).collect())),
            created_at: Set(now),
            sent_at: Set(None),
            sent_to: Set(None),
            handled_at: Set(None),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        jobs::enqueue(&txn, &SendContactMessage { message_id: id }).await?;
        txn.commit().await?;
        Ok(ContactOutcome::Received { id })
    }

    /// One message.
    pub async fn contact_message(&self, id: i64) -> Result<ContactMessage, StoreError> {
        find(self.db(), id).await
    }

    /// A page of the inbox, newest first, and how many messages are open.
    pub async fn contact_messages(
        &self,
        filter: InboxFilter,
        page: u64,
        per_page: u64,
    ) -> Result<Paged<ContactMessage>, StoreError> {
        let page = page.max(1);
        let mut q = row::Entity::find();
        q = match filter {
            InboxFilter::Open => q.filter(row::Column::HandledAt.is_null()),
            InboxFilter::Handled => q.filter(row::Column::HandledAt.is_not_null()),
            InboxFilter::All => q,
        };
        let total = q.clone().count(self.db()).await?;
        let rows = q
            .order_by_desc(row::Column::CreatedAt)
            .order_by_desc(row::Column::Id)
            .limit(per_page)
            .offset((page - 1) * per_page)
            .all(self.db())
            .await?;
        Ok(Paged { items: rows.into_iter().map(from_row).collect(), page, per_page, total })
    }

    /// Records that a message was mailed to `to` (the mail job, after sending).
    pub async fn contact_message_sent(&self, id: i64, to: &str) -> Result<(), StoreError> {
        let txn = self.write().await?;
        row::Entity::update_many()
            .col_expr(row::Column::SentAt, Expr::value(Utc::now()))
            .col_expr(row::Column::SentTo, Expr::value(to.to_owned()))
            .filter(row::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Marks a message handled (or open again), audited.
    pub async fn mark_contact_message(
        &self,
        actor: &Actor,
        id: i64,
        handled: bool,
    ) -> Result<(), StoreError> {
        let txn = self.write().await?;
        let m = find(&txn, id).await?;
        let when = handled.then(Utc::now);
        row::Entity::update_many()
            .col_expr(row::Column::HandledAt, Expr::value(when))
            .filter(row::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        let action = if handled { "contact.handle" } else { "contact.reopen" };
        audit::write(&txn, actor, &AuditRecord::new(action, subject(&m))).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Deletes a message, audited (the audit line keeps who sent it and when, not the text).
    pub async fn delete_contact_message(&self, actor: &Actor, id: i64) -> Result<(), StoreError> {
        let txn = self.write().await?;
        let m = find(&txn, id).await?;
        row::Entity::delete_by_id(id).exec(&txn).await?;
        let rec = AuditRecord::new("contact.delete", subject(&m)).detail(format!(
            "from {} at {}",
            m.email,
            m.created_at.format("%Y-%m-%d %H:%M UTC")
        ));
        audit::write(&txn, actor, &rec).await?;
        txn.commit().await?;
        Ok(())
    }
}

async fn find(db: &impl ConnectionTrait, id: i64) -> Result<ContactMessage, StoreError> {
    row::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(from_row)
        .ok_or_else(|| StoreError::not_found("contact message", id.to_string()))
}

fn subject(m: &ContactMessage) -> String {
    format!("contact message {} ({})", m.id, m.subject.label())
}
