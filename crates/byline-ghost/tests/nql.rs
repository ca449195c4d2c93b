//! NQL: what parses into what, what matches, and that malformed filters are errors that
//! say where (never a panic: proptest throws arbitrary text at the parser and compiler).

use byline_ghost::nql::{self, Atom, Cond, Expr, Kind, Literal, Op, Record};
use chrono::{DateTime, TimeZone, Utc};
use proptest::prelude::*;

const FIELDS: &[(&str, &str, Kind)] = &[
    ("tag", "tags", Kind::Text),
    ("tags", "tags", Kind::Text),
    ("slug", "slug", Kind::Text),
    ("featured", "featured", Kind::Bool),
    ("published_at", "published_at", Kind::Date),
    ("count.posts", "count.posts", Kind::Number),
];

struct Post {
    slug: &'static str,
    tags: Vec<&'static str>,
    featured: bool,
    published_at: Option<DateTime<Utc>>,
}

impl Record for Post {
    fn values(&self, field: &str) -> Vec<Atom> {
        match field {
            "slug" => vec![Atom::Text(self.slug.into())],
            "tags" => self.tags.iter().map(|t| Atom::Text((*t).into())).collect(),
            "featured" => vec![Atom::Bool(self.featured)],
            "published_at" => self.published_at.map(Atom::Date).into_iter().collect(),
            "count.posts" => vec![Atom::Number(self.tags.len() as f64)],
            _ => vec![],
        }
    }
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 6, 1, 12, 0, 0).unwrap()
}

fn posts() -> Vec<Post> {
    vec![
        Post {
            slug: "a",
            tags: vec!["news", "europe"],
            featured: true,
            published_at: Some(Utc.with_ymd_and_hms(2024, 5, 20, 0, 0, 0).unwrap()),
        },
        Post {
            slug: "b",
            tags: vec!["sport"],
            featured: false,
            published_at: Some(Utc.with_ymd_and_hms(2023, 1, 1, 0, 0, 0).unwrap()),
        },
        Post { slug: "c-and-more", tags: vec![], featured: false, published_at: None },
    ]
}

/// The slugs of the posts a filter admits.
fn run(filter: &str) -> Vec<&'static str> {
    let expr = nql::parse(filter).unwrap_or_else(|e| panic!("{filter}: {e}"));
    let f = nql::compile(&expr, FIELDS, now()).unwrap_or_else(|e| panic!("{filter}: {e}"));
    posts().into_iter().filter(|p| f.matches(p)).map(|p| p.slug).collect()
}

#[test]
fn parses_conditions_with_operators_lists_and_negation() {
    let e = nql::parse("tag:-[news,'big sport']").unwrap();
    assert_eq!(
        e,
        Expr::Cond(Cond {
            at: 0,
            field: "tag".into(),
            negated: true,
            op: Op::In,
            values: vec![Literal::Text("news".into()), Literal::Text("big sport".into())],
        })
    );
    let Expr::And(items) = nql::parse("featured:true+published_at:>=now-30d").unwrap() else {
        panic!("expected and")
    };
    assert_eq!(items.len(), 2);
    let Expr::Cond(c) = &items[1] else { panic!() };
    assert_eq!(c.op, Op::Gte);
    assert!(matches!(&c.values[0], Literal::Relative(r) if r.amount == -30 && r.unit == 'd'));
    assert!(matches!(nql::parse("a:1,b:2+c:3").unwrap(), Expr::Or(v) if v.len() == 2));
}

#[test]
fn filters_match_as_ghost_documents() {
    assert_eq!(run("tag:news"), ["a"]);
    assert_eq!(run("tag:-news"), ["b", "c-and-more"]);
    assert_eq!(run("tags:[sport,europe]"), ["a", "b"]);
    assert_eq!(run("tag:-[sport,europe]"), ["c-and-more"]);
    assert_eq!(run("featured:true"), ["a"]);
    assert_eq!(run("featured:false+tag:sport"), ["b"]);
    assert_eq!(run("tag:news,tag:sport"), ["a", "b"]);
    assert_eq!(run("(tag:news,tag:sport)+featured:false"), ["b"]);
    assert_eq!(run("published_at:>now-30d"), ["a"]);
    assert_eq!(run("published_at:<'2024-01-01'"), ["b"]);
    assert_eq!(run("published_at:>='2023-01-01 00:00:00'"), ["a", "b"]);
    assert_eq!(run("published_at:null"), ["c-and-more"]);
    assert_eq!(run("published_at:-null"), ["a", "b"]);
    assert_eq!(run("tags:null"), ["c-and-more"]);
    assert_eq!(run("slug:~and"), ["c-and-more"]);
    assert_eq!(run("slug:~^c-"), ["c-and-more"]);
    assert_eq!(run("slug:~$more"), ["c-and-more"]);
    assert_eq!(run("slug:-~and"), ["a", "b"]);
    assert_eq!(run("slug:\"A\""), ["a"]);
    assert_eq!(run("count.posts:>1"), ["a"]);
    assert_eq!(run("count.posts:<=1"), ["b", "c-and-more"]);
    assert_eq!(run(" tag:news + featured:true "), ["a"], "spaces around + are allowed");
}

#[test]
fn malformed_filters_say_what_and_where() {
    for (bad, says) in [
        ("", "empty"),
        ("tag", "expected ':'"),
        ("tag :news", "expected ':'"),
        ("tag:", "ends where a value"),
        ("tag:news+", "ends where a field"),
        ("tag:news,", "ends where a field"),
        ("(tag:news", "not closed"),
        ("tag:news)", "closing parenthesis"),
        ("tag:[a,b", "not closed"),
        ("tag:'open", "quoted value is not closed"),
        ("tag:>[a,b]", "[list]"),
        ("+tag:a", "expected a field name"),
        ("tag:a tag:b", "unexpected"),
        ("published_at:>now-30x", "unit"),
    ] {
        let err = nql::parse(bad).expect_err(bad);
        assert!(err.message.contains(says), "{bad:?}: {err}");
    }
    for (bad, says) in [
        ("nope:1", "cannot be filtered on"),
        ("featured:maybe", "true or false"),
        ("featured:>true", "no order"),
        ("published_at:>yesterday", "not a date"),
        ("published_at:~2024", "~ only applies to text"),
        ("slug:>null", "null cannot be compared"),
        ("count.posts:many", "expected a number"),
    ] {
        let expr = nql::parse(bad).unwrap_or_else(|e| panic!("{bad}: {e}"));
        let err = nql::compile(&expr, FIELDS, now()).expect_err(bad);
        assert!(err.message.contains(says), "{bad:?}: {err}");
    }
    let err = nql::parse("tag:a+(slug:b+").unwrap_err();
    assert_eq!(err.at, 14, "{err}");
}

#[test]
fn a_slug_that_starts_with_now_is_text() {
    assert!(matches!(
        nql::parse("slug:now-and-then").unwrap(),
        Expr::Cond(c) if c.values == [Literal::Text("now-and-then".into())]
    ));
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let deep = format!("{}tag:a{}", "(".repeat(10_000), ")".repeat(10_000));
    assert!(nql::parse(&deep).unwrap_err().message.contains("deeper"));
}

proptest! {
    #[test]
    fn any_text_parses_or_fails_cleanly(s in "\\PC{0,60}") {
        if let Ok(expr) = nql::parse(&s)
            && let Ok(f) = nql::compile(&expr, FIELDS, now())
        {
            for p in posts() {
                let _ = f.matches(&p);
            }
        }
    }

    #[test]
    fn near_nql_text_parses_or_fails_cleanly(
        s in "[a-z_.:+,()\\[\\]~^$<>=\\-'\" 0-9]{0,40}"
    ) {
        if let Ok(expr) = nql::parse(&s) {
            let _ = nql::compile(&expr, FIELDS, now()).map(|f| {
                posts().iter().filter(|p| f.matches(*p)).count()
            });
        }
    }

    #[test]
    fn relative_dates_of_any_size_are_errors_not_panics(n in any::<i64>(), u in "[yMwdhms]") {
        let s = format!("published_at:>now-{}{u}", n.unsigned_abs());
        if let Ok(expr) = nql::parse(&s) {
            let _ = nql::compile(&expr, FIELDS, now());
        }
    }
}
