//! The rules of managing staff accounts, shared by the admin and any API: who may give which
//! role, who may be disabled, what an invitation and a new password must be.

use crate::Invalid;
use crate::audit::Actor;
use crate::staff::{MIN_PASSWORD_CHARS, Role, StaffUser};

/// The roles `manager` may give by invitation or a role change: never owner (ownership is
/// transferred, not given), never above the manager's own role.
pub fn assignable_roles(manager: Role) -> Vec<Role> {
    Role::ALL.into_iter().filter(|r| *r != Role::Owner && *r <= manager).collect()
}

/// Checks that `manager` may give `role` (field `role` names the problem).
pub fn check_assignable(manager: Role, role: Role) -> Result<(), Invalid> {
    if role == Role::Owner {
        return Err(Invalid::one(
            "role",
            "nobody is made the owner here; the owner transfers ownership",
        ));
    }
    if role > manager {
        return Err(Invalid::one("role", format!("a {manager} cannot give the {role} role")));
    }
    Ok(())
}

/// May `manager` change `target`'s role or disable the account? Not the owner's (only a
/// transfer changes that), not their own (someone else must), not someone above them.
pub fn check_manageable(manager: &Actor, target: &StaffUser) -> Result<(), String> {
    if target.role == Role::Owner {
        return Err("the owner's account changes only when the owner transfers ownership".into());
    }
    if manager.staff_id == Some(target.id) {
        return Err("you cannot change your own role or disable your own account".into());
    }
    if target.role > manager.role {
        return Err(format!("a {} cannot change a {}'s account", manager.role, target.role));
    }
    Ok(())
}

/// A password someone chooses (field `password`).
pub fn check_password(password: &str) -> Result<(), Invalid> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(Invalid::one(
            "password",
            format!("must be at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    Ok(())
}

/// An email as typed into an invitation: trimmed, lowercase, shaped like an address.
pub fn check_email(email: &str) -> Result<String, Invalid> {
    let e = email.trim().to_lowercase();
    let ok = e.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
    }) && !e.chars().any(char::is_whitespace);
    if e.is_empty() {
        Err(Invalid::one("email", "is required"))
    } else if !ok {
        Err(Invalid::one("email", "is not an email address"))
    } else {
        Ok(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: i64, role: Role) -> StaffUser {
        StaffUser {
            id,
            email: format!("{id}@x.org"),
            name: "N".into(),
            role,
            disabled: false,
            author_id: None,
        }
    }

    #[test]
    fn managers_give_roles_up_to_their_own_never_owner() {
        assert_eq!(assignable_roles(Role::Administrator).len(), 4);
        assert_eq!(assignable_roles(Role::Owner), assignable_roles(Role::Administrator));
        assert!(check_assignable(Role::Administrator, Role::Owner).is_err());
        assert!(check_assignable(Role::Editor, Role::Administrator).is_err());
        assert!(check_assignable(Role::Administrator, Role::Administrator).is_ok());
    }

    #[test]
    fn the_owner_and_oneself_are_not_managed_here() {
        let admin = user(1, Role::Administrator);
        assert!(check_manageable(&admin.actor(), &user(2, Role::Owner)).is_err());
        assert!(check_manageable(&admin.actor(), &admin).is_err());
        assert!(check_manageable(&admin.actor(), &user(3, Role::Editor)).is_ok());
        assert!(check_manageable(&user(4, Role::Editor).actor(), &admin).is_err());
        assert!(check_manageable(&Actor::command_line(), &admin).is_ok());
        assert!(check_email("no").is_err());
        assert_eq!(check_email(" A@B.org ").unwrap(), "a@b.org");
    }
}
