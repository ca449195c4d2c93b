//! nginx serving the very bytes Byline rendered, as the reference for what this machine can
//! serve: its own config, pid, logs and temp folders in the run's folder, `daemon off`, no
//! access log, and one worker per core.

use crate::process::Server;
use std::fs;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The pages to serve: (URL path, bytes). Paths ending in `/` are written as `index.html`.
pub type Pages = [(String, Vec<u8>)];

/// Writes `pages` under `dir/root`, writes the config, starts nginx on `addr` and waits for it.
pub fn start(dir: &Path, addr: SocketAddr, pages: &Pages) -> anyhow::Result<Server> {
    let root = dir.join("root");
    for (path, body) in pages {
        let mut file = root.join(path.trim_start_matches('/'));
        if path.ends_with('/') {
            file = file.join("index.html");
        }
        if let Some(parent) = file.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&file, body)?;
    }
    fs::create_dir_all(dir.join("temp"))?;
    let conf = dir.join("nginx.conf");
    fs::write(&conf, config(dir, &root, addr))?;
    let mut cmd = Command::new("nginx");
    cmd.arg("-p").arg(dir).arg("-e").arg(dir.join("error.log")).arg("-c").arg(&conf);
    let mut server = Server::spawn("nginx", cmd, addr, &dir.join("nginx.out"))?;
    server.wait_for_200(&pages[0].0, Duration::from_secs(20))?;
    Ok(server)
}

fn config(dir: &Path, root: &Path, addr: SocketAddr) -> String {
    let d = dir.display();
    format!(
        "daemon off;
worker_processes auto;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    open_file_cache max=1000;
    client_body_temp_path {d}/temp/body;
    proxy_temp_path {d}/temp/proxy;
    fastcgi_temp_path {d}/temp/fastcgi;
    uwsgi_temp_path {d}/temp/uwsgi;
    scgi_temp_path {d}/temp/scgi;
    server {{
        listen {addr};
        root {root};
        index index.html;
    }}
}}
",
        root = root.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_keeps_everything_in_the_run_folder() {
        let addr: SocketAddr = "127.0.0.1:4321".parse().unwrap();
        let text = config(Path::new("/tmp/bench-x"), Path::new("/tmp/bench-x/root"), addr);
        assert!(text.contains("daemon off;") && text.contains("access_log off;"));
        assert!(text.contains("listen 127.0.0.1:4321;"));
        assert!(text.contains("root /tmp/bench-x/root;"));
        assert!(text.contains("pid /tmp/bench-x/nginx.pid;"));
    }
}
