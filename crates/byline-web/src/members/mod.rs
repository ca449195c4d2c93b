//! Members on the web: who the reader of a page is ([`reader`]: the member pass cookie,
//! opened without a database query).

pub mod reader;
pub mod stripe;

pub use reader::{MEMBER_COOKIE, pass_cookie};
