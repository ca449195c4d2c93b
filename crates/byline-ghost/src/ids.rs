//! Ghost's ids are 24-hex-digit MongoDB ObjectIds; Byline's are integers. The mapping is
//! fixed and reversible, so ids are stable across restarts, nodes and exports:
//!
//! - the first 8 hex digits are the resource's name in ASCII (`706f7374` is "post", `70616765`
//!   "page", `61757468` "auth", `74616773` "tags", `74696572` "tier"),
//! - the last 16 are Byline's id, big-endian: post 42 is `706f7374000000000000002a`.
//!
//! The `uuid` Ghost gives posts is derived the same way:
//! `706f7374-0000-4000-8000-00000000002a`.

/// The kinds of object that have ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Post,
    Page,
    Author,
    Tag,
    Tier,
}

impl Kind {
    fn prefix(self) -> &'static str {
        match self {
            Kind::Post => "706f7374",
            Kind::Page => "70616765",
            Kind::Author => "61757468",
            Kind::Tag => "74616773",
            Kind::Tier => "74696572",
        }
    }
}

/// The ObjectId of a Byline row.
pub fn object_id(kind: Kind, id: i64) -> String {
    format!("{}{:016x}", kind.prefix(), id)
}

/// The Byline id an ObjectId stands for, if it is one of `kind`'s.
pub fn byline_id(kind: Kind, object_id: &str) -> Option<i64> {
    let rest = object_id.strip_prefix(kind.prefix())?;
    if rest.len() != 16 {
        return None;
    }
    u64::from_str_radix(rest, 16).ok().and_then(|n| i64::try_from(n).ok())
}

/// The UUID Ghost shows on posts and pages.
pub fn uuid(kind: Kind, id: i64) -> String {
    format!("{}-0000-4000-8000-{:012x}", kind.prefix(), id & 0xffff_ffff_ffff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_24_hex_digits_and_reversible() {
        let id = object_id(Kind::Post, 42);
        assert_eq!(id, "706f7374000000000000002a");
        assert_eq!(byline_id(Kind::Post, &id), Some(42));
        assert_eq!(byline_id(Kind::Page, &id), None);
        assert_eq!(byline_id(Kind::Post, "706f7374zz"), None);
        assert_eq!(uuid(Kind::Post, 42), "706f7374-0000-4000-8000-00000000002a");
    }
}
