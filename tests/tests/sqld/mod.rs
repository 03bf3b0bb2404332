//! A real libSQL server (`sqld`) for tests and benchmarks: started on a free 127.0.0.1 port with
//! its own temporary data directory, waited for (`/health`), killed when dropped. Found through
//! `LARDER_SQLD` or `sqld` on `PATH`. Tests that need it are `#[ignore = "needs sqld"]` and fail
//! without it when run; benchmarks print why and skip.
//!
//! Shared by `tests/tests/remote.rs`, `tests/tests/replica.rs` and `benches/benches/remote.rs`
//! (through `#[path]`), so that there is one harness.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `sqld`, killed when dropped. Every wait in here is bounded.
pub struct Server {
    child: Option<Child>,
    binary: PathBuf,
    port: u16,
    /// The server's URL, `http://127.0.0.1:PORT`.
    pub url: String,
    data: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

fn sqld() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("LARDER_SQLD") {
        return Some(PathBuf::from(path)).filter(|p| p.is_file());
    }
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| PathBuf::from(dir).join("sqld"))
        .find(|p| p.is_file())
}

fn free_port() -> Option<u16> {
    Some(
        TcpListener::bind(("127.0.0.1", 0))
            .ok()?
            .local_addr()
            .ok()?
            .port(),
    )
}

fn healthy(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    if stream
        .write_all(
            format!("GET /health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .is_err()
    {
        return false;
    }
    let mut answer = [0u8; 12];
    stream.read_exact(&mut answer).is_ok() && answer.starts_with(b"HTTP/1.1 200")
}

/// Starts a server for a test. The tests that call it are `#[ignore = "needs sqld"]`, so they
/// run only when asked for (`-- --ignored`, as `.ci/run` does): without a binary then, that is a
/// failure, not a silent pass.
pub fn server() -> Server {
    try_server().expect(
        "no sqld: set LARDER_SQLD to the libSQL server binary (see shared/bin/README.md) or put \
         sqld on PATH",
    )
}

/// Starts a server, or says why it cannot and returns `None` (benchmarks skip, visibly).
pub fn try_server() -> Option<Server> {
    let Some(binary) = sqld() else {
        eprintln!("skipped: no sqld (set LARDER_SQLD or put sqld on PATH)");
        return None;
    };
    let mut server = Server {
        child: None,
        binary,
        port: 0,
        url: String::new(),
        data: tempfile::tempdir().ok()?,
    };
    server.start(None);
    Some(server)
}

impl Server {
    /// Starts the process on `port` (a new free one if `None`), on the same data directory, and
    /// waits up to 10 s for `/health`.
    fn start(&mut self, port: Option<u16>) {
        let port = port.unwrap_or_else(|| free_port().expect("no free loopback port"));
        let child = Command::new(&self.binary)
            .args(["--no-welcome", "--db-path"])
            .arg(self.data.path().join("db"))
            .args(["--http-listen-addr", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("sqld did not start");
        self.child = Some(child);
        self.port = port;
        self.url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if healthy(port) {
                return;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        panic!("sqld did not become healthy on port {port} within 10 s");
    }

    /// Kills the process (SIGKILL: no clean shutdown) and waits for it to end.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on its data directory, on a new port (see `url`).
    pub fn restart(&mut self) {
        self.kill();
        self.start(None);
    }

    /// Starts the server again on its data directory and its port: clients that knew it see a
    /// server that forgot their streams.
    pub fn restart_in_place(&mut self) {
        self.kill();
        self.start(Some(self.port));
    }

    /// Freezes (`SIGSTOP`) or thaws (`SIGCONT`) the process: a frozen server accepts connections
    /// (the kernel does) but never answers, like a hung or unreachable-by-packet-loss server.
    pub fn freeze(&self, frozen: bool) {
        let Some(child) = &self.child else { return };
        let signal = if frozen { "-STOP" } else { "-CONT" };
        let status = Command::new("kill")
            .arg(signal)
            .arg(child.id().to_string())
            .status()
            .expect("`kill` is available");
        assert!(status.success(), "kill {signal} failed");
    }
}
