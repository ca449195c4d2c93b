//! The member sign-in email for real: the queued job's handler sends it with lettre to an
//! aiosmtpd server on loopback; the test reads the delivered message back and follows its
//! link through the router. Both databases.

mod common;

use byline_core::members::MemberInput;
use byline_render::Theme;
use byline_store::Joined;
use byline_store::testing::databases;
use byline_web::mail::{Mailer, SmtpSettings, SmtpTls};
use byline_web::{AppState, router};
use common::client::Client;
use common::members::{deliver, link_in};
use common::smtp::SmtpServer;

#[tokio::test]
async fn the_sign_in_link_arrives_over_smtp_and_signs_the_member_in() {
    let Some(server) = SmtpServer::start() else { return };
    let mut expected = 0;
    for db in databases().await {
        let _ = common::site(&db).await;
        let mailer = Mailer::smtp(&SmtpSettings {
            host: "127.0.0.1".into(),
            port: server.port,
            username: None,
            password: None,
            from: "The Newsroom <newsroom@example.org>".into(),
            tls: SmtpTls::None,
        })
        .unwrap();
        let mut state = AppState::new(db.store.clone(), Theme::load(None).unwrap(), common::BASE);
        state.mailer = mailer;
        let app = router(state.clone());
        let input = MemberInput { email: "reader@example.org".into(), ..Default::default() };
        db.store.add_member(input.validate().unwrap(), Joined::Staff, None).await.unwrap();

        let mut c = Client::new(&app);
        let page = c.post("/members/signin/", &[("email", "reader@example.org")]).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert_eq!(deliver(&state.store, &state.mailer, &state.base_url).await.len(), 1);
        expected += 1;

        let got = server.wait_for(expected);
        assert_eq!(got.len(), expected, "aiosmtpd received {got:?}");
        let mail = got.last().unwrap();
        assert_eq!(mail.to, "reader@example.org");
        assert!(mail.from.contains("newsroom@example.org"), "{}", mail.from);
        let title = db.store.publication().await.unwrap().title;
        assert_eq!(mail.subject, format!("Sign in to {title}"));
        assert_eq!(mail.content_type, "multipart/alternative");
        assert!(mail.text.contains("one hour"), "{}", mail.text);
        let link = link_in(&mail.text);
        assert!(mail.text.contains(&format!("{}{link}", common::BASE)), "{}", mail.text);
        assert!(mail.html.contains(&link), "{}", mail.html);

        assert_eq!(c.get(&link).await.status, 200);
        let token = link.split("token=").nth(1).unwrap();
        let page = c.post("/members/confirm/", &[("token", token)]).await;
        assert_eq!(page.status, 303);
        let account = c.get("/members/account/").await;
        assert_eq!(account.texts(".member-email"), ["reader@example.org"]);
    }
}
