//! The `paradex-mock` binary: `--help`, the startup line, startup time, and a clean stop on
//! SIGINT and SIGTERM.
//!
//! Run with: cargo test -p paradex-mock --test cli_binary -- --nocapture (prints startup time)

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_paradex-mock");

/// Kills the child if the test fails before it stops it.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

#[test]
fn help_documents_every_flag() {
    let output = Command::new(BIN)
        .arg("--help")
        .output()
        .expect("run --help");
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for flag in [
        "--host",
        "--port",
        "--tls",
        "--tls-cert-out",
        "--market",
        "--chain-id",
        "--md-rate",
        "--seed",
        "--firehose",
        "--firehose-rate",
        "--firehose-count",
        "--replay",
        "--record",
        "--ping-interval-secs",
        "--pong-timeout-secs",
        "--sbe-heartbeat-secs",
        "--slow-consumer-limit",
        "--rate-limit-per-min",
        "--fault",
        "ws_drop",
        "rest_status",
        "/admin/faults",
    ] {
        assert!(
            help.contains(flag),
            "--help does not mention {flag}:\n{help}"
        );
    }
}

#[test]
fn bad_flags_fail_with_a_message() {
    let output = Command::new(BIN)
        .args(["--market", "BTC"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("BASE=PRICE"));
    let output = Command::new(BIN)
        .args(["--host", "0.0.0.0"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("loopback"));
}

fn start(extra: &[&str]) -> (Guard, String, Duration) {
    let started = Instant::now();
    let child = Command::new(BIN)
        .args(["--port", "0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn paradex-mock");
    let mut guard = Guard(child);
    let stdout = guard.0.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("banner line");
    (guard, line, started.elapsed())
}

fn stop_with(guard: &mut Guard, signal: &str) {
    let pid = guard.0.id().to_string();
    assert!(
        Command::new("kill")
            .args([signal, &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Some(status) = guard.0.try_wait().unwrap() {
            assert!(status.success(), "exit status after {signal}: {status}");
            return;
        }
        assert!(
            Instant::now() < deadline,
            "still running 5 s after {signal}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn prints_a_parseable_line_serves_and_stops_on_sigint() {
    let (mut guard, line, startup) = start(&[]);
    eprintln!("paradex-mock startup (spawn → banner line): {startup:?}");
    assert!(line.starts_with("paradex-mock listening "), "{line}");
    let field = |name: &str| {
        line.split_whitespace()
            .find_map(|part| part.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("no {name}= in {line}"))
            .to_owned()
    };
    let http = field("http");
    let ws = field("ws");
    assert!(
        ws.starts_with("ws://127.0.0.1:") && ws.ends_with("/v1"),
        "{ws}"
    );
    let addr = http.trim_start_matches("http://");
    let mut stream =
        std::net::TcpStream::connect(addr).expect("the printed address accepts connections");
    use std::io::{Read, Write};
    write!(
        stream,
        "GET /v1/system/time HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    stop_with(&mut guard, "-INT");
}

#[test]
fn tls_line_names_the_certificate_and_sigterm_stops() {
    let (mut guard, line, startup) = start(&["--tls"]);
    eprintln!(
        "paradex-mock --tls startup (spawn → banner line, incl. key generation): {startup:?}"
    );
    let ca = line
        .split_whitespace()
        .find_map(|part| part.strip_prefix("ca="))
        .unwrap_or_else(|| panic!("no ca= in {line}"))
        .to_owned();
    let pem = std::fs::read_to_string(&ca).expect("certificate written");
    assert!(pem.contains("BEGIN CERTIFICATE"));
    assert!(line.contains("wss://") && line.contains("https://"));
    stop_with(&mut guard, "-TERM");
    let _ = std::fs::remove_file(ca);
}
