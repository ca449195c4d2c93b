//! Webhooks: an integration's subscriptions (made and removed by staff, audited), the events
//! the store's writes trigger ([`trigger`], called inside the write's own transaction: one
//! delivery row and one `DeliverWebhook` job per subscribed URL, so a write that rolls back
//! sends nothing), and the delivery log the job handler writes each try into.

use crate::entity::{article, integration, webhook as row, webhook_delivery as delivery};
use crate::{Store, StoreError, audit, jobs};
use byline_core::ArticleStatus;
use byline_core::audit::{Actor, AuditRecord};
use byline_core::jobs::DeliverWebhook;
use byline_core::webhooks::{Delivery, Webhook, check};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde_json::{Map, Value, json};

/// What the delivery job needs: the delivery, its webhook, and what the event is about.
#[derive(Debug, Clone)]
pub struct DeliveryWork {
    pub delivery: Delivery,
    pub webhook: Webhook,
    /// The Byline id of the post, page, tag or member (0 when it is gone).
    pub resource_id: i64,
    /// Ghost's `previous`: the changed fields' old values (for a deletion, the object).
    pub previous: Value,
}

/// How one try went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// The receiver's HTTP status, if it answered.
    pub response_code: Option<i32>,
    /// Why the try failed; `None` for a 2xx answer.
    pub error: Option<String>,
    /// No try will follow (the job's last).
    pub last: bool,
}

fn from_row(m: row::Model) -> Webhook {
    Webhook {
        id: m.id,
        integration_id: m.integration_id,
        event: m.event,
        target_url: m.target_url,
        secret: m.secret,
        created_at: m.created_at,
        last_triggered_at: m.last_triggered_at,
        last_status: m.last_status,
    }
}

fn delivery_from(m: delivery::Model) -> Delivery {
    Delivery {
        id: m.id,
        webhook_id: m.webhook_id,
        event: m.event,
        state: m.state,
        attempts: m.attempts,
        response_code: m.response_code,
        error: m.error,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

impl Store {
    /// Subscribes `target_url` to `event` for a live integration, with a new secret; audited.
    pub async fn create_webhook(
        &self,
        actor: &Actor,
        integration_id: i64,
        event: &str,
        target_url: &str,
    ) -> Result<Webhook, StoreError> {
        let (event, target_url) = check(event, target_url)?;
        let txn = self.write().await?;
        let owner = integration::Entity::find_by_id(integration_id)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::not_found("integration", integration_id.to_string()))?;
        if owner.revoked_at.is_some() {
            return Err(StoreError::Conflict(format!(
                "integration {integration_id} is revoked; webhooks belong to live integrations"
            )));
        }
        let id = row::Entity::insert(row::ActiveModel {
            integration_id: Set(integration_id),
            event: Set(event.clone()),
            target_url: Set(target_url.clone()),
            secret: Set(byline_core::secret::new_token()),
            created_at: Set(Utc::now()),
            last_triggered_at: Set(None),
            last_status: Set(None),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        let rec = AuditRecord::new(
            "webhook.create",
            format!("webhook {id} of integration {integration_id}"),
        )
        .detail(format!("{event} → {target_url}"));
        audit::write(&txn, actor, &rec).await?;
        let made = find(&txn, id).await?;
        txn.commit().await?;
        Ok(made)
    }

    /// Removes a subscription and its delivery log; audited.
    pub async fn delete_webhook(&self, actor: &Actor, id: i64) -> Result<(), StoreError> {
        let txn = self.write().await?;
        let w = find(&txn, id).await?;
        delivery::Entity::delete_many()
            .filter(delivery::Column::WebhookId.eq(id))
            .exec(&txn)
            .await?;
        row::Entity::delete_by_id(id).exec(&txn).await?;
        let rec = AuditRecord::new(
            "webhook.delete",
            format!("webhook {id} of integration {}", w.integration_id),
        )
        .detail(format!("{} → {}", w.event, w.target_url));
        audit::write(&txn, actor, &rec).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Every webhook, oldest first.
    pub async fn webhooks(&self) -> Result<Vec<Webhook>, StoreError> {
        let rows = row::Entity::find().order_by_asc(row::Column::Id).all(self.db()).await?;
        Ok(rows.into_iter().map(from_row).collect())
    }

    /// The newest `limit` deliveries of every webhook.
    pub async fn webhook_deliveries(&self, limit: u64) -> Result<Vec<Delivery>, StoreError> {
        let rows = delivery::Entity::find()
            .order_by_desc(delivery::Column::Id)
            .limit(limit)
            .all(self.db())
            .await?;
        Ok(rows.into_iter().map(delivery_from).collect())
    }

    /// A delivery and what sending it needs; `NotFound` once its webhook was removed.
    pub async fn webhook_delivery(&self, id: i64) -> Result<DeliveryWork, StoreError> {
        let d = delivery::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .ok_or_else(|| StoreError::not_found("webhook delivery", id.to_string()))?;
        let webhook = find(self.db(), d.webhook_id).await?;
        let previous = serde_json::from_str(&d.previous).unwrap_or_else(|_| json!({}));
        Ok(DeliveryWork {
            resource_id: d.resource_id,
            previous,
            webhook,
            delivery: delivery_from(d),
        })
    }

    /// Records one try of a delivery, on it and on its webhook.
    pub async fn webhook_attempted(&self, id: i64, a: &Attempt) -> Result<(), StoreError> {
        let txn = self.write().await?;
        let now = Utc::now();
        let state = match (&a.error, a.last) {
            (None, _) => "delivered",
            (Some(_), false) => "failed",
            (Some(_), true) => "dead",
        };
        let d = delivery::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::not_found("webhook delivery", id.to_string()))?;
        delivery::Entity::update_many()
            .col_expr(delivery::Column::State, Expr::value(state))
            .col_expr(delivery::Column::Attempts, Expr::value(d.attempts + 1))
            .col_expr(delivery::Column::ResponseCode, Expr::value(a.response_code))
            .col_expr(delivery::Column::Error, Expr::value(a.error.clone()))
            .col_expr(delivery::Column::UpdatedAt, Expr::value(now))
            .filter(delivery::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        row::Entity::update_many()
            .col_expr(row::Column::LastTriggeredAt, Expr::value(now))
            .col_expr(row::Column::LastStatus, Expr::value(a.response_code))
            .filter(row::Column::Id.eq(d.webhook_id))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(())
    }
}

async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Webhook, StoreError> {
    row::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(from_row)
        .ok_or_else(|| StoreError::not_found("webhook", id.to_string()))
}

/// Queues `event` about `resource_id` for every live integration's webhook subscribed to
/// it, in the caller's transaction. One query when nobody listens.
pub(crate) async fn trigger(
    db: &impl ConnectionTrait,
    event: &str,
    resource_id: i64,
    previous: &Value,
) -> Result<(), StoreError> {
    let live: Vec<i64> = integration::Entity::find()
        .select_only()
        .column(integration::Column::Id)
        .filter(integration::Column::RevokedAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    if live.is_empty() {
        return Ok(());
    }
    let hooks = row::Entity::find()
        .filter(row::Column::Event.eq(event))
        .filter(row::Column::IntegrationId.is_in(live))
        .all(db)
        .await?;
    let now = Utc::now();
    for h in hooks {
        let id = delivery::Entity::insert(delivery::ActiveModel {
            webhook_id: Set(h.id),
            event: Set(event.to_owned()),
            resource_id: Set(resource_id),
            previous: Set(previous.to_string()),
            state: Set("queued".to_owned()),
            attempts: Set(0),
            response_code: Set(None),
            error: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .exec(db)
        .await?
        .last_insert_id;
        jobs::enqueue(db, &DeliverWebhook { delivery_id: id }).await?;
    }
    Ok(())
}

/// Ghost's status for a Byline one.
fn ghost_status(s: &str) -> &'static str {
    match s {
        "published" => "published",
        "scheduled" => "scheduled",
        _ => "draft",
    }
}

fn date(d: Option<DateTime<Utc>>) -> Value {
    d.map_or(Value::Null, |d| Value::from(d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)))
}

/// The fields of a post Byline can say it had before: Ghost's names, Byline's values.
fn post_fields(a: &article::Model) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("title".into(), Value::from(a.title.clone()));
    m.insert("slug".into(), Value::from(a.slug.clone()));
    m.insert("status".into(), Value::from(ghost_status(&a.status)));
    m.insert("published_at".into(), date(a.published_at));
    m.insert("updated_at".into(), date(Some(a.modified_at)));
    m.insert("feature_image".into(), a.image_url.clone().map_or(Value::Null, Value::from));
    // As the Content API maps it: Byline's subtitle is Ghost's custom excerpt.
    m.insert("custom_excerpt".into(), a.subtitle.clone().map_or(Value::Null, Value::from));
    m.insert("visibility".into(), Value::from(a.access.clone()));
    m
}

/// The events a write of an article causes (`old` is `None` for a new one), queued in its
/// transaction: `post.added`, `post.edited`, and by the change of status `post.published`,
/// `post.published.edited`, `post.unpublished` or `post.scheduled`. `previous` holds the
/// fields that changed, with their old values, as Ghost sends them.
pub(crate) async fn article_saved(
    db: &impl ConnectionTrait,
    old: Option<&article::Model>,
    new: &article::Model,
) -> Result<(), StoreError> {
    let published = ArticleStatus::Published.as_str();
    let scheduled = ArticleStatus::Scheduled.as_str();
    let Some(old) = old else {
        trigger(db, "post.added", new.id, &json!({})).await?;
        if new.status == published {
            trigger(db, "post.published", new.id, &json!({})).await?;
        } else if new.status == scheduled {
            trigger(db, "post.scheduled", new.id, &json!({})).await?;
        }
        return Ok(());
    };
    let (before, after) = (post_fields(old), post_fields(new));
    let previous: Map<String, Value> =
        before.into_iter().filter(|(k, v)| after.get(k) != Some(v)).collect();
    let previous = Value::Object(previous);
    trigger(db, "post.edited", new.id, &previous).await?;
    let event = match (old.status == published, new.status == published) {
        (false, true) => Some("post.published"),
        (true, true) => Some("post.published.edited"),
        (true, false) => Some("post.unpublished"),
        (false, false) if new.status == scheduled && old.status != scheduled => {
            Some("post.scheduled")
        }
        (false, false) => None,
    };
    if let Some(e) = event {
        trigger(db, e, new.id, &previous).await?;
    }
    Ok(())
}

/// `post.deleted`, with the post as it was (Ghost sends it as `previous`).
pub(crate) async fn article_deleted(
    db: &impl ConnectionTrait,
    old: &article::Model,
) -> Result<(), StoreError> {
    let mut gone = post_fields(old);
    gone.insert("byline_id".into(), Value::from(old.id));
    trigger(db, "post.deleted", old.id, &Value::Object(gone)).await
}

/// Triggers each of `events` about `resource_id` with the same `previous`.
pub(crate) async fn fire(
    db: &impl ConnectionTrait,
    events: &[&str],
    resource_id: i64,
    previous: Value,
) -> Result<(), StoreError> {
    for e in events {
        trigger(db, e, resource_id, &previous).await?;
    }
    Ok(())
}

/// The fields of `pairs` (Ghost's name, old value, new value) that changed, with old values.
pub(crate) fn changed(pairs: &[(&str, Option<&str>, Option<&str>)]) -> Value {
    let m: Map<String, Value> = pairs
        .iter()
        .filter(|(_, old, new)| old != new)
        .map(|(k, old, _)| ((*k).to_owned(), old.map_or(Value::Null, Value::from)))
        .collect();
    Value::Object(m)
}

/// What a deleted object was: `fields` (Ghost's name, value) and its Byline id, which the
/// delivery turns into Ghost's.
pub(crate) fn gone(id: i64, fields: &[(&str, Option<&str>)]) -> Value {
    let mut m: Map<String, Value> =
        fields.iter().map(|(k, v)| ((*k).to_owned(), v.map_or(Value::Null, Value::from))).collect();
    m.insert("byline_id".into(), Value::from(id));
    Value::Object(m)
}
