//! The admin's Jobs screen: administrators see jobs by state with their tries and last error,
//! retry dead ones and cancel those not running; others are refused.

mod common;

use byline_core::jobs::{Job, JobState};
use byline_core::staff::Role;
use byline_store::testing::databases;
use common::client::signed_in;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct Nudge {
    who: String,
}

impl Job for Nudge {
    const KIND: &'static str = "test.nudge";
    const MAX_ATTEMPTS: u32 = 1;
}

fn location(p: &common::Page) -> String {
    p.headers["location"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn administrators_see_retry_and_cancel_jobs() {
    for db in databases().await {
        let app = common::site(&db).await;
        let s = &db.store;
        let dead = s.enqueue(&Nudge { who: "Ann".into() }).await.unwrap();
        let done = s.enqueue(&Nudge { who: "Bob".into() }).await.unwrap();
        let waiting = s.enqueue(&Nudge { who: "<b>Cy</b>".into() }).await.unwrap();
        // Claims take the oldest due job first.
        let later = chrono::Utc::now() + chrono::Duration::seconds(1);
        let lease = chrono::Duration::seconds(30);
        let first = s.claim_job(&[Nudge::KIND], later, lease).await.unwrap().unwrap();
        assert_eq!(first.id, dead);
        let error = "<script>x</script> the mail server said no";
        assert_eq!(s.fail_job(&first, error, later).await.unwrap(), Some(JobState::Dead));
        let second = s.claim_job(&[Nudge::KIND], later, lease).await.unwrap().unwrap();
        assert_eq!(second.id, done);
        assert!(s.complete_job(&second).await.unwrap());

        let (mut editor, _) = signed_in(&app, s, "Ed Editor", Role::Editor).await;
        assert_eq!(editor.get("/admin/jobs").await.status, 403);
        assert!(!editor.get("/admin/").await.body.contains("/admin/jobs"), "not in their nav");

        let (mut c, _) = signed_in(&app, s, "Ada Admin", Role::Administrator).await;
        assert!(c.get("/admin/").await.body.contains("href=\"/admin/jobs\""), "in the nav");
        let page = c.get("/admin/jobs").await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert_eq!(page.attrs(".job-row", "id"), [format!("job-{waiting}")]);
        assert!(page.body.contains("&lt;b&gt;Cy&lt;/b&gt;") || page.body.contains("&lt;b>Cy"));
        assert!(!page.body.contains("<b>Cy</b>"), "payloads are text");
        let tabs = page.texts("nav ul.tabs li");
        assert!(tabs.iter().any(|t| t.contains("Dead") && t.contains("(1)")), "{tabs:?}");
        assert!(tabs.iter().any(|t| t.contains("Done") && t.contains("(1)")), "{tabs:?}");

        let dead_page = c.get("/admin/jobs?state=dead").await;
        assert_eq!(dead_page.attrs(".job-row", "id"), [format!("job-{dead}")]);
        let error = &dead_page.texts(".job-error")[0];
        assert!(error.contains("<script>x</script> the mail server said no"), "{error}");
        assert!(!dead_page.body.contains("<script>x</script>"), "errors are text");
        assert!(dead_page.texts(".job-row")[0].contains("1 of 1"));
        assert_eq!(c.get("/admin/jobs?state=finished").await.status, 400);

        let retried = c.post(&format!("/admin/jobs/{dead}/retry"), &[]).await;
        assert_eq!(location(&retried), "/admin/jobs");
        let back = c.get("/admin/jobs").await;
        assert!(back.body.contains("is queued again"), "{}", back.body);
        assert_eq!(s.job(dead).await.unwrap().state, JobState::Queued);
        // A queued job cannot be retried; the refusal comes back as a message.
        let again = c.post(&format!("/admin/jobs/{dead}/retry"), &[]).await;
        assert_eq!(location(&again), "/admin/jobs");
        let back = c.get("/admin/jobs").await;
        assert!(back.texts(".flash-error")[0].contains("only failed and dead"), "{}", back.body);

        let cancelled = c.post(&format!("/admin/jobs/{waiting}/cancel"), &[]).await;
        assert_eq!(location(&cancelled), "/admin/jobs");
        assert!(s.job(waiting).await.unwrap_err().is_not_found());
        assert_eq!(c.post("/admin/jobs/999999/cancel", &[]).await.status, 404);
        // Without the form's token, nothing happens.
        let forged = c.post(&format!("/admin/jobs/{dead}/cancel"), &[("csrf", "forged")]).await;
        assert_eq!(forged.status, 403);
        assert_eq!(s.job(dead).await.unwrap().state, JobState::Queued);

        let log = c.get("/admin/audit").await;
        let actions = log.texts(".audit-row .action");
        assert_eq!(actions[..2], ["job.cancel", "job.retry"], "newest first");
    }
}
