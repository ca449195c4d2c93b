//! Open and click counts, through the real router and a real SMTP server (aiosmtpd), on
//! SQLite and (when configured) PostgreSQL: off by default (no image, no rewritten link,
//! "not counted"); turned on in the admin, a send's email carries one image and signed
//! click addresses that are the same for every recipient; loading the image counts an open,
//! following a link counts a click and redirects to exactly the URL that was in the email;
//! a click address with another URL or another send redirects nowhere. The send's history
//! and the Admin API show the counts (`null` for a send that did not count them).

mod common;

use byline_core::audit::Actor;
use byline_core::jobs::Job;
use byline_core::members::MemberInput;
use byline_core::newsletters::{DeliverSend, Segment};
use byline_core::staff::Role;
use byline_mail::deliver::Tls;
use byline_mail::{Delivery, DeliverySettings, Site};
use byline_store::testing::databases;
use byline_store::{Joined, NewSend, Store};
use common::client::{Client, signed_in};
use common::smtp::SmtpServer;
use serde_json::{Value::Null, json};

async fn deliver(store: &Store, port: u16) {
    let delivery = Delivery::new(DeliverySettings {
        host: "127.0.0.1".into(),
        port,
        tls: Tls::None,
        username: None,
        password: None,
        from: "The Review <desk@example.org>".into(),
        concurrency: 2,
        rate: 0,
        dkim: None,
    })
    .unwrap();
    let site = Site {
        base_url: common::BASE.into(),
        postal_address: None,
        hold: chrono::Duration::seconds(30),
    };
    while let Some(job) = store
        .claim_job(&[DeliverSend::KIND], chrono::Utc::now(), chrono::Duration::minutes(1))
        .await
        .unwrap()
    {
        let j: DeliverSend = serde_json::from_str(&job.payload).unwrap();
        byline_mail::deliver_send(store, &delivery, &site, j).await.unwrap();
        assert!(store.complete_job(&job).await.unwrap());
    }
}

/// Every `href` and `src` under the site's address in `html`, `&amp;` undone.
fn site_urls(html: &str, attr: &str) -> Vec<String> {
    let needle = format!("{attr}=\"{}/newsletters/", common::BASE);
    html.match_indices(&needle)
        .map(|(at, _)| {
            let start = at + attr.len() + 2;
            let end = start + html[start..].find('"').unwrap();
            html[start..end].replace("&amp;", "&")
        })
        .collect()
}

fn path_of(url: &str) -> String {
    url.strip_prefix(common::BASE).unwrap().to_owned()
}

async fn send(s: &Store, subject: &str) -> i64 {
    let article = s.published_article("full").await.unwrap();
    let new = NewSend {
        newsletter: "newsletter".into(),
        article_ids: vec![article.id],
        subject: subject.into(),
        segment: Segment::All,
    };
    s.create_send(&new, &Actor::command_line()).await.unwrap().id
}

#[tokio::test]
async fn opens_and_clicks_are_counted_only_when_turned_on_and_links_go_only_where_they_went() {
    let Some(server) = SmtpServer::start() else { return };
    let mut received = 0;
    for db in databases().await {
        let (app, _state, _outbox) = common::members::site(&db).await;
        let s = &db.store;
        let tag = format!("{:?}", db.backend()).to_lowercase();
        for who in ["ann", "bo"] {
            let input =
                MemberInput { email: format!("{who}-{tag}@example.org"), ..Default::default() };
            s.add_member(input.validate().unwrap(), Joined::Staff, None).await.unwrap();
        }
        let (mut owner, _) = signed_in(&app, s, "Olga Owner", Role::Owner).await;

        // Off by default: nothing in the email, nothing counted.
        let quiet = format!("Quiet {tag}");
        let off = send(s, &quiet).await;
        deliver(s, server.port).await;
        received += 2;
        let got = server.wait_for(received);
        let mail = got.iter().find(|m| m.subject == quiet).unwrap();
        assert!(site_urls(&mail.html, "src").is_empty(), "no image: {}", mail.html);
        assert!(!mail.html.contains("/newsletters/click/"), "no rewritten link");
        let mut anon = Client::new(&app);
        let pixel = anon.get(&format!("/newsletters/open/{off}/pixel.gif")).await;
        assert_eq!(pixel.status, 200);
        assert_eq!(s.send(off).await.unwrap().counts.opens, None, "not counted");
        let list = owner.get("/admin/newsletters").await;
        assert!(list.body.contains("not counted"), "{}", list.body);
        assert!(list.attrs("input[name=opens][checked]", "value").is_empty(), "off by default");

        // Turned on in the admin.
        let on =
            owner.post("/admin/newsletters/tracking", &[("opens", "1"), ("clicks", "1")]).await;
        assert_eq!(on.status, 303, "{}", on.body);
        let t = s.newsletter_tracking().await.unwrap();
        assert!(t.opens && t.clicks);
        let counted = format!("Counted {tag}");
        let id = send(s, &counted).await;
        deliver(s, server.port).await;
        received += 2;
        let got = server.wait_for(received);
        let mails: Vec<_> = got.iter().filter(|m| m.subject == counted).collect();
        assert_eq!(mails.len(), 2);
        let (a, b) = (&mails[0].html, &mails[1].html);
        let clicks = site_urls(a, "href");
        let clicks: Vec<_> = clicks.iter().filter(|u| u.contains("/click/")).cloned().collect();
        assert!(!clicks.is_empty(), "{a}");
        let others: Vec<_> =
            site_urls(b, "href").into_iter().filter(|u| u.contains("/click/")).collect();
        assert_eq!(clicks, others, "the same addresses for every reader: nothing personal");
        let images = site_urls(a, "src");
        assert_eq!(images, [format!("{}/newsletters/open/{id}/pixel.gif", common::BASE)]);
        let unsubscribe = format!("href=\"{}/newsletters/unsubscribe/?m=", common::BASE);
        assert!(a.contains(&unsubscribe), "the personal links are not rewritten: {a}");

        // An open, then a click on the article's own link.
        let img = anon.get(&path_of(&images[0])).await;
        assert_eq!(img.status, 200);
        assert_eq!(img.headers["content-type"], "image/gif");
        let article = format!("{}/articles/full/", common::BASE);
        let to_article = clicks
            .iter()
            .find(|u| {
                u.contains(
                    &url::form_urlencoded::byte_serialize(article.as_bytes()).collect::<String>(),
                )
            })
            .unwrap_or_else(|| panic!("a link to the article among {clicks:?}"));
        let followed = anon.get(&path_of(to_article)).await;
        assert_eq!(followed.status, 302);
        assert_eq!(followed.headers["location"], article.as_str());
        let c = s.send(id).await.unwrap().counts;
        assert_eq!((c.opens, c.clicks), (Some(1), Some(1)));

        // Never an open redirect: another URL with the same signature, or another send.
        let evil = path_of(to_article).replace(
            &url::form_urlencoded::byte_serialize(article.as_bytes()).collect::<String>(),
            "https%3A%2F%2Fevil.example%2F",
        );
        for bad in [
            evil,
            path_of(to_article).replace(&format!("/click/{id}/"), &format!("/click/{off}/")),
            format!("/newsletters/click/{id}/?u=https%3A%2F%2Fevil.example%2F"),
            format!("/newsletters/click/{id}/?u=%2F%2Fevil.example&t=00"),
        ] {
            let r = anon.get(&bad).await;
            assert_eq!(r.status, 400, "{bad}: {}", r.body);
            assert!(!r.headers.contains_key("location"), "{bad}");
        }
        assert_eq!(
            s.send(id).await.unwrap().counts.clicks,
            Some(1),
            "refused clicks count nothing"
        );

        // The history shows them.
        let page = owner.get(&format!("/admin/newsletters/sends/{id}")).await;
        assert_eq!(page.texts(".send-opens"), ["1"]);
        assert_eq!(page.texts(".send-clicks"), ["1"]);
        let old = owner.get(&format!("/admin/newsletters/sends/{off}")).await;
        assert_eq!(old.texts(".send-opens"), ["not counted"]);

        // So does the Admin API: numbers for the send that counted, null for the other.
        let token = common::api_token(s, "Eli Editor", Role::Editor).await;
        let (status, list) = common::api(&app, "GET", "/newsletters/sends", &token, Null).await;
        assert_eq!(status, 200, "{list}");
        let by_id = |id: i64| list.as_array().unwrap().iter().find(|x| x["id"] == id).cloned();
        let (counted_out, quiet_out) = (by_id(id).unwrap(), by_id(off).unwrap());
        assert_eq!((&counted_out["opens"], &counted_out["clicks"]), (&json!(1), &json!(1)));
        assert_eq!((&quiet_out["opens"], &quiet_out["clicks"]), (&Null, &Null));
        assert!(quiet_out.as_object().unwrap().contains_key("opens"), "present, as null");
        let (_, one) =
            common::api(&app, "GET", &format!("/newsletters/sends/{id}"), &token, Null).await;
        assert_eq!((&one["opens"], &one["clicks"]), (&json!(1), &json!(1)), "{one}");
        let (_, one) =
            common::api(&app, "GET", &format!("/newsletters/sends/{off}"), &token, Null).await;
        assert_eq!((&one["opens"], &one["clicks"]), (&Null, &Null), "{one}");
        let (_, doc) = common::api(&app, "GET", "/openapi.json", &token, Null).await;
        let opens = &doc["components"]["schemas"]["SendOut"]["properties"]["opens"];
        assert!(opens["description"].as_str().unwrap().contains("null"), "{opens}");

        // Off again: new sends carry nothing.
        owner.post("/admin/newsletters/tracking", &[]).await;
        assert_eq!(s.newsletter_tracking().await.unwrap(), Default::default());
    }
}
