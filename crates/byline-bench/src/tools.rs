//! What this machine has: the tools the comparisons need (with their versions, or why they
//! are missing) and the hardware the numbers came from.

use serde::Serialize;
use std::collections::BTreeMap;
use std::process::Command;

/// A tool's version, or the reason it cannot be used.
pub type Tools = BTreeMap<String, Result<String, String>>;

/// Each tool the harness may use, the command that prints its version, and the Debian package.
const TOOLS: &[(&str, &[&str], &str)] = &[
    ("wrk", &["wrk", "-v"], "wrk"),
    ("nginx", &["nginx", "-v"], "nginx"),
    ("hugo", &["hugo", "version"], "hugo"),
    ("node", &["node", "--version"], "nodejs"),
    ("npm", &["npm", "--version"], "npm"),
    ("sqlite3", &["sqlite3", "--version"], "sqlite3"),
    // smtp-sink and smtp-source (the newsletter row) come with Postfix.
    ("postfix", &["postconf", "-d", "mail_version"], "postfix"),
];

pub fn detect() -> Tools {
    TOOLS
        .iter()
        .map(|(name, cmd, package)| {
            let found = version(cmd).ok_or_else(|| {
                format!("`{}` is not installed (Debian: apt-get install {package})", cmd[0])
            });
            (name.to_string(), found)
        })
        .collect()
}

/// The first non-empty line a version command prints (on stdout or stderr, whatever its exit
/// status: `wrk -v` exits 1), or `None` if it cannot be run.
pub fn version(cmd: &[&str]) -> Option<String> {
    let out = Command::new(cmd[0]).args(&cmd[1..]).output().ok()?;
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let line = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with("npm warn"))?;
    // Keep the version, drop build dates and copyright notices.
    let end = [" Copyright", " BuildDate", " ["].iter().filter_map(|m| line.find(m)).min();
    Some(line[..end.unwrap_or(line.len())].to_owned())
}

#[derive(Debug, Serialize)]
pub struct Machine {
    pub nproc: usize,
    pub memory_mb: u64,
    pub cpu: String,
    pub os: String,
    pub kernel: String,
}

pub fn machine() -> Machine {
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
    let meminfo = read("/proc/meminfo");
    let memory_kb: u64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    let cpuinfo = read("/proc/cpuinfo");
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_default();
    let os_release = read("/etc/os-release");
    let os = os_release
        .lines()
        .find_map(|l| l.strip_prefix("PRETTY_NAME="))
        .map(|v| v.trim_matches('"').to_owned())
        .unwrap_or_default();
    Machine {
        nproc: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        memory_mb: memory_kb / 1024,
        cpu,
        os,
        kernel: read("/proc/sys/kernel/osrelease").trim().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_tool_says_how_to_install_it() {
        assert_eq!(version(&["byline-bench-no-such-tool", "--version"]), None);
        let tools = detect();
        assert_eq!(tools.len(), TOOLS.len());
        for found in tools.values() {
            if let Err(why) = found {
                assert!(why.contains("apt-get install"), "{why}");
            }
        }
    }

    #[test]
    fn knows_the_machine() {
        let m = machine();
        assert!(m.nproc >= 1);
    }
}
