//! `byline member-pass EMAIL [--tier SLUG]` (hidden): prints `byline_member=…`, the cookie a
//! member's sign-in would set, so the benchmark harness can load a members-only page as a
//! signed-in member without a mail round trip. Whoever can run it can read the database
//! anyway; it adds the member (and grants the tier, complimentary) only when needed.

use crate::cli::MemberPassArgs;
use crate::config::Settings;
use byline_core::audit::Actor;
use byline_core::member_pass::Pass;
use byline_core::members::MemberInput;
use byline_store::Joined;
use chrono::{Duration, Utc};
use std::process::ExitCode;

pub async fn print(settings: Settings, args: &MemberPassArgs) -> anyhow::Result<ExitCode> {
    let store = crate::node::open(&settings).await?;
    let actor = Actor::command_line();
    let mut member = match store.member_by_email(&args.email).await {
        Ok(m) => m,
        Err(e) if e.is_not_found() => {
            let input = MemberInput { email: args.email.clone(), ..Default::default() };
            let fields = input.validate().map_err(|e| anyhow::anyhow!("{e}"))?;
            store.add_member(fields, Joined::Staff, Some(&actor)).await?
        }
        Err(e) => return Err(e.into()),
    };
    let now = Utc::now();
    if let Some(tier) = &args.tier
        && !member.grants.iter().any(|g| &g.tier_slug == tier && g.is_current(now))
    {
        member = store.grant_complimentary(member.id, tier, None, &actor).await?;
    }
    let pass = Pass {
        member_id: member.id,
        reader: member.reader(now, &store.paid_tier_slugs().await?),
        generation: 1,
        fresh_until: now + Duration::hours(12),
        expires: now + Duration::days(1),
    };
    let key = store.member_pass_key().await?;
    outln!("{}={}", byline_web::members::MEMBER_COOKIE, pass.seal(&key));
    Ok(ExitCode::SUCCESS)
}
