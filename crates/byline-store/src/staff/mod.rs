//! Staff and their accounts, everything about them in one place: the accounts and who may
//! sign in ([`accounts`]), managing others' roles and access ([`roles`]), joining by setup
//! link or invitation ([`invitations`]), signing in and its rate limits ([`sign_in`]),
//! two-factor sign-in ([`two_factor`]), passwords and reset links ([`password`]), the
//! sessions that keep someone signed in ([`sessions`]) and the one-time links behind setup,
//! resets and invitations ([`one_time`]).
//!
//! Every step that changes an account is a use case here: one transaction (`Store::write`)
//! holding the change and its audit line, called alike by the admin's handlers, the API and
//! the command line. The modules share helpers through `accounts` (and `one_time`,
//! `sessions`), never by importing each other both ways.

mod accounts;
mod invitations;
mod one_time;
mod password;
mod refused;
mod roles;
mod sessions;
mod sign_in;
mod two_factor;

pub use invitations::Invitation;
pub use one_time::{OneTime, Purpose};
pub use password::ResetLink;
pub use refused::AccountError;
pub use sign_in::SignInStep;
pub use two_factor::TwoFactorState;
