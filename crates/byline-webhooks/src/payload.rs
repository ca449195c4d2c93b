//! Ghost's webhook body: `{"<resource>": {"current": {…}, "previous": {…}}}`. `current` is the
//! object as the Content API shows it (through `byline-ghost`, with tags and authors) or, for
//! a post not published, the same fields the store knows; it is `{}` for a deletion, whose
//! `previous` is the object as it was.

use byline_core::audit::Actor;
use byline_core::staff::Role;
use byline_core::webhooks::resource_of;
use byline_ghost::content::{self, Lookup, Resource};
use byline_ghost::ids::{self, Kind};
use byline_ghost::{Params, Site};
use byline_store::{DeliveryWork, Store};
use serde_json::{Map, Value, json};

/// The body to send for `work`, as bytes.
pub async fn payload(
    store: &Store,
    base_url: &str,
    work: &DeliveryWork,
) -> anyhow::Result<Vec<u8>> {
    let event = work.delivery.event.as_str();
    let key = resource_of(event);
    if key == "member" {
        return member_payload(store, work).await;
    }
    let kind = match key {
        "post" => Kind::Post,
        "page" => Kind::Page,
        "tag" => Kind::Tag,
        other => anyhow::bail!("no payload is known for {other} events"),
    };
    let mut previous = work.previous.clone();
    let current = if event.ends_with(".deleted") {
        if let Some(p) = previous.as_object_mut() {
            p.remove("byline_id");
            p.insert("id".into(), Value::from(ids::object_id(kind, work.resource_id)));
            if kind != Kind::Tag {
                p.insert("uuid".into(), Value::from(ids::uuid(kind, work.resource_id)));
            }
        }
        json!({})
    } else {
        current(store, base_url, kind, work.resource_id).await?
    };
    let mut inner = Map::new();
    inner.insert("current".into(), current);
    inner.insert("previous".into(), previous);
    let mut outer = Map::new();
    outer.insert(key.to_owned(), Value::Object(inner));
    Ok(serde_json::to_vec(&Value::Object(outer))?)
}

/// Ghost's member ObjectIds: "memb" in ASCII, then the id (as `byline_ghost::ids` does for
/// the Content API's objects, which have no members).
fn member_id(id: i64) -> String {
    format!("6d656d62{id:016x}")
}

async fn member_payload(store: &Store, work: &DeliveryWork) -> anyhow::Result<Vec<u8>> {
    let mut previous = work.previous.clone();
    let current = if work.delivery.event == "member.deleted" {
        if let Some(p) = previous.as_object_mut() {
            p.remove("byline_id");
            p.insert("id".into(), Value::from(member_id(work.resource_id)));
        }
        json!({})
    } else {
        let m = match store.member(work.resource_id).await {
            Ok(m) => m,
            // Deleted since: its id is what is left (member.deleted carries the rest).
            Err(e) if e.is_not_found() => {
                let gone = json!({ "id": member_id(work.resource_id) });
                return Ok(serde_json::to_vec(
                    &json!({ "member": { "current": gone, "previous": previous } }),
                )?);
            }
            Err(e) => return Err(e.into()),
        };
        let date = |d: chrono::DateTime<chrono::Utc>| {
            d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        };
        let now = chrono::Utc::now();
        json!({
            "id": member_id(m.id),
            "uuid": m.uuid,
            "email": m.email,
            "name": m.name,
            "note": m.note,
            "status": m.status.as_str(),
            "subscribed": true,
            "labels": m.labels.iter().map(|l| json!({"name": l})).collect::<Vec<_>>(),
            "tiers": m.grants.iter().filter(|g| g.is_current(now)).map(|g| json!({
                "slug": g.tier_slug,
                "name": g.tier_name,
                "expiry_at": g.expires_at.map(date),
            })).collect::<Vec<_>>(),
            "created_at": date(m.created_at),
            "updated_at": date(m.updated_at),
        })
    };
    Ok(serde_json::to_vec(&json!({ "member": { "current": current, "previous": previous } }))?)
}

async fn current(store: &Store, base_url: &str, kind: Kind, id: i64) -> anyhow::Result<Value> {
    let publication = store.publication().await?;
    let site = Site::new(publication.base_url.as_deref().unwrap_or(base_url));
    let (resource, list) = match kind {
        Kind::Post => (Resource::Posts, "posts"),
        Kind::Page => (Resource::Pages, "pages"),
        _ => (Resource::Tags, "tags"),
    };
    let params = Params::parse([("include", "tags,authors")])
        .map_err(|e| anyhow::anyhow!("the payload's parameters: {e:?}"))?;
    let lookup = Lookup::Id(ids::object_id(kind, id));
    match content::read(store, &site, resource, &lookup, &params, chrono::Utc::now()).await {
        Ok(mut v) => {
            // Webhooks carry Admin API objects, which say their status; the Content API
            // shows only published posts and pages, so that is theirs.
            let mut object = v[list][0].take();
            if kind != Kind::Tag && object.get("status").is_none() {
                object["status"] = Value::from("published");
            }
            Ok(object)
        }
        Err(e) if e.status() == 404 && kind == Kind::Post => unpublished(store, &site, id).await,
        // A tag no published post uses is not in the Content API: its id is what is known.
        Err(e) if e.status() == 404 => Ok(json!({ "id": ids::object_id(kind, id) })),
        Err(e) => anyhow::bail!("the {list} object {id}: {e:?}"),
    }
}

/// A post the Content API does not show (a draft, one in review, scheduled or trashed): the
/// fields Ghost's object has that the editor's copy holds.
async fn unpublished(store: &Store, site: &Site, id: i64) -> anyhow::Result<Value> {
    let system =
        Actor { staff_id: None, author_id: None, name: "webhooks".into(), role: Role::Owner };
    let a = store.editable_article(&system, id).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let status = match a.status.as_str() {
        "published" => "published",
        "scheduled" => "scheduled",
        _ => "draft",
    };
    let slug = a.input.slug.clone().unwrap_or_default();
    let date =
        |d: chrono::DateTime<chrono::Utc>| d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    Ok(json!({
        "id": ids::object_id(Kind::Post, id),
        "uuid": ids::uuid(Kind::Post, id),
        "title": a.input.title,
        "slug": slug,
        "status": status,
        "custom_excerpt": a.input.subtitle,
        "feature_image": a.input.image,
        "published_at": a.input.published_at.map(date),
        "created_at": date(a.created_at),
        "updated_at": date(a.modified_at),
        "url": site.url(&format!("/articles/{slug}/")),
        "visibility": "public",
    }))
}
