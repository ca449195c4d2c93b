//! Servers under test as child processes: start, wait for the first 200, read resident
//! memory from `/proc`, and stop them (SIGTERM, then SIGKILL) even when the harness fails.

use crate::http;
use anyhow::{Context, bail};
use std::fs::File;
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// A running server; dropping it stops the process.
pub struct Server {
    pub name: String,
    pub addr: SocketAddr,
    child: Child,
    /// When the process was spawned, for the time to the first 200.
    pub spawned: Instant,
}

impl Server {
    /// Spawns `cmd` with stdout and stderr going to `log` (a file in the run's folder).
    pub fn spawn(
        name: &str,
        mut cmd: Command,
        addr: SocketAddr,
        log: &Path,
    ) -> anyhow::Result<Server> {
        let out = File::create(log).with_context(|| format!("cannot create {log:?}"))?;
        cmd.stdin(Stdio::null()).stdout(out.try_clone()?).stderr(out);
        let spawned = Instant::now();
        let child = cmd.spawn().with_context(|| format!("cannot start {name}: {cmd:?}"))?;
        Ok(Server { name: name.to_owned(), addr, child, spawned })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Polls `path` until it answers 200 and returns the time since spawn. Fails if the
    /// process exits or `timeout` passes first.
    pub fn wait_for_200(&mut self, path: &str, timeout: Duration) -> anyhow::Result<Duration> {
        loop {
            let last = match http::get(self.addr, path) {
                Ok(r) if r.status == 200 => return Ok(self.spawned.elapsed()),
                Ok(r) => format!("status {}", r.status),
                Err(e) => format!("{e:#}"),
            };
            if let Some(status) = self.child.try_wait()? {
                bail!("{} exited ({status}) before answering 200 on {path}", self.name);
            }
            if self.spawned.elapsed() > timeout {
                bail!("{} gave no 200 on {path} within {timeout:?} (last: {last})", self.name);
            }
            thread::sleep(Duration::from_millis(2));
        }
    }

    /// How the process ended, if it has.
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// Resident memory of the process now, in bytes.
    pub fn rss(&self) -> Option<u64> {
        rss_of(self.pid())
    }

    /// Stops the process: SIGTERM, then SIGKILL after `grace`.
    pub fn stop(mut self, grace: Duration) {
        self.terminate(grace);
    }

    fn terminate(&mut self, grace: Duration) {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.terminate(Duration::from_secs(5));
    }
}

/// `VmRSS` of a process, in bytes.
pub fn rss_of(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    parse_vm_rss(&status)
}

fn parse_vm_rss(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Samples a process's resident memory every 50 ms until stopped; `stop` returns the peak.
pub struct RssSampler {
    done: Arc<AtomicBool>,
    peak: Arc<AtomicU64>,
    thread: thread::JoinHandle<()>,
}

impl RssSampler {
    pub fn start(pid: u32) -> Self {
        let done = Arc::new(AtomicBool::new(false));
        let peak = Arc::new(AtomicU64::new(0));
        let (d, p) = (done.clone(), peak.clone());
        let thread = thread::spawn(move || {
            while !d.load(Ordering::Relaxed) {
                if let Some(rss) = rss_of(pid) {
                    p.fetch_max(rss, Ordering::Relaxed);
                }
                thread::sleep(Duration::from_millis(50));
            }
        });
        RssSampler { done, peak, thread }
    }

    pub fn stop(self) -> u64 {
        self.done.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
        self.peak.load(Ordering::Relaxed)
    }
}

/// A free port on 127.0.0.1 (the OS picks it; the listener closes before the server binds).
pub fn free_addr() -> anyhow::Result<SocketAddr> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_vm_rss_in_bytes() {
        let status = "Name:\tbyline\nVmPeak:\t  9000 kB\nVmRSS:\t   12345 kB\nThreads:\t4\n";
        assert_eq!(parse_vm_rss(status), Some(12345 * 1024));
        assert_eq!(parse_vm_rss("Name:\tx\n"), None);
    }

    #[test]
    fn this_process_has_resident_memory() {
        assert!(rss_of(std::process::id()).unwrap() > 0);
    }
}
