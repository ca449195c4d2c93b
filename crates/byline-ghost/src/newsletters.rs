//! Ghost's `newsletters` as the Content API lists them: the publication's open newsletters,
//! in their order, with Ghost's fields (those Byline has no setting for carry Ghost's
//! defaults, so clients that read them find what a new Ghost newsletter has).

use crate::GhostError;
use crate::browse::{Lookup, Resource, envelope, meta, slice, trim};
use crate::params::Params;
use byline_core::newsletters::{Audience, Newsletter};
use byline_store::Store;
use serde_json::{Map, Value, json};

/// The 24-hex id Ghost shows for a newsletter ("news" and the row id).
fn object_id(id: i64) -> String {
    format!("6e657773{id:016x}")
}

fn object(n: &Newsletter, sort_order: usize) -> Map<String, Value> {
    let v = json!({
        "id": object_id(n.id),
        "uuid": format!("6e657773-0000-4000-8000-{:012x}", n.id & 0xffff_ffff_ffff),
        "name": n.name,
        "description": n.description,
        "slug": n.slug,
        "sender_name": n.sender_name,
        "sender_email": n.sender_email,
        "sender_reply_to": if n.reply_to.is_some() { "support" } else { "newsletter" },
        "status": if n.archived { "archived" } else { "active" },
        "visibility": match n.audience { Audience::Members => "members", Audience::Paid => "paid" },
        "subscribe_on_signup": n.subscribe_by_default,
        "sort_order": sort_order,
        "header_image": null,
        "show_header_icon": true,
        "show_header_title": true,
        "title_font_category": "sans_serif",
        "title_alignment": "center",
        "show_feature_image": true,
        "body_font_category": "serif",
        "footer_content": null,
        "show_badge": false,
        "show_header_name": true,
        "show_post_title_section": true,
        "show_comment_cta": false,
        "show_subscription_details": true,
        "show_latest_posts": false,
        "background_color": "light",
        "post_title_color": null,
        "created_at": n.created_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "updated_at": n.created_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    });
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// `GET /newsletters/`: the open newsletters, one page of them.
pub async fn browse(store: &Store, params: &Params) -> Result<Value, GhostError> {
    let open: Vec<Newsletter> =
        store.newsletters().await?.into_iter().filter(|n| !n.archived).collect();
    let total = open.len() as u64;
    let items: Vec<_> = open.iter().enumerate().map(|(i, n)| trim(object(n, i), params)).collect();
    let page = slice(items, &Lookup::Browse, params);
    Ok(envelope(Resource::Newsletters, page, Some(meta(params, total))))
}
