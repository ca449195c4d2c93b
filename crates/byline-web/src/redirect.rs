//! The one check every redirect target passes: a path on this site, normalised so that no
//! browser can read it as another host (`//host`, `/\host`, `/a/..//host`).

/// Why a target cannot be used at all (rather than merely leading elsewhere).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ControlCharacter;

/// `target` as a same-origin path: `\` read as `/` (as browsers do), `.` and `..` resolved,
/// repeated `/` collapsed, the query kept. `None` when it is not a path (a scheme, a host or
/// relative text); `Err` when it holds a control character such as CR or LF.
pub(crate) fn same_origin_path(target: &str) -> Result<Option<String>, ControlCharacter> {
    if target.chars().any(char::is_control) {
        return Err(ControlCharacter);
    }
    let (path, rest) = match target.find(['?', '#']) {
        Some(i) => target.split_at(i),
        None => (target, ""),
    };
    let path = path.replace('\\', "/");
    if !path.starts_with('/') {
        return Ok(None);
    }
    let mut segments: Vec<&str> = Vec::new();
    for s in path.split('/') {
        match s {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let mut out = format!("/{}", segments.join("/"));
    let last = path.rsplit('/').next().unwrap_or("");
    if !segments.is_empty() && matches!(last, "" | "." | "..") {
        out.push('/');
    }
    out.push_str(rest);
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalised_to_this_site() {
        let ok = |t: &str| same_origin_path(t).unwrap();
        assert_eq!(ok("///evil.example/x"), Some("/evil.example/x".into()));
        assert_eq!(ok("/admin/..///host/x"), Some("/host/x".into()));
        assert_eq!(ok("/\\host"), Some("/host".into()));
        assert_eq!(ok("/admin/a/?q=//x"), Some("/admin/a/?q=//x".into()));
        assert_eq!(ok("/"), Some("/".into()));
        assert_eq!(ok("/a/b/.."), Some("/a/".into()));
        assert_eq!(ok("https://host/"), None);
        assert_eq!(ok("admin"), None);
        assert_eq!(same_origin_path("/admin/\r\nx"), Err(ControlCharacter));
    }
}
