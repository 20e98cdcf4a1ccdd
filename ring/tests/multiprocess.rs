//! Cross-process tests: one writer process, several reader processes, millions of records, every
//! record checked; and a writer killed with SIGKILL mid-stream, then replaced.
//!
//! Children are this test binary re-run with `--ignored --exact child_process` and a role in
//! `RING_MP_ROLE`. Every child is killed by a guard if the parent fails, and every child also
//! gives up by itself after a deadline.

// Files, mappings and processes: Miri runs the in-memory tests in `src/` instead.
#![cfg(not(miri))]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use common::TempSegment;
use paradex_ring::{
    HealthCounter, Read, Reader, ReaderOptions, RingConfig, RingError, StartAt, Trade, Writer,
    WriterStatus,
};

const ROLE: &str = "RING_MP_ROLE";
const PATH_DIR: &str = "RING_MP_DIR";
const PATH_NAME: &str = "RING_MP_NAME";
const COUNT: &str = "RING_MP_COUNT";
const CHILD_DEADLINE: Duration = Duration::from_secs(60);

/// Every field of record `seq` derives from `seq`, so any torn or misplaced record is caught.
fn trade(seq: u64) -> Trade {
    let s = seq as i64;
    Trade {
        ts_exchange: s,
        ts_recv: s ^ 0x5555_5555,
        market_id: (seq % 1024) as u32,
        side: (seq % 2) as u16 + 1,
        trade_type: (seq % 7) as u16,
        price: s.wrapping_mul(3) + 1,
        size: s.wrapping_mul(5) + 2,
        seq: s,
        reserved: s.wrapping_mul(0x9E37_79B9_7F4A_7C15_u64 as i64),
    }
}

/// Kills and reaps its child on drop, so a failing test leaves no process behind.
struct ChildGuard(Child);

impl ChildGuard {
    fn stdout_lines(&mut self) -> std::io::Lines<BufReader<ChildStdout>> {
        BufReader::new(self.0.stdout.take().expect("stdout piped")).lines()
    }

    /// Waits for exit (bounded) and returns whether it succeeded.
    fn wait_success(&mut self, limit: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Some(status) = self.0.try_wait().expect("try_wait") {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        panic!("child {} did not exit within {limit:?}", self.0.id());
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn(role: &str, config: &RingConfig, count: u64) -> ChildGuard {
    let child = Command::new(std::env::current_exe().expect("current_exe"))
        .args([
            "--ignored",
            "--exact",
            "child_process",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ROLE, role)
        .env(PATH_DIR, &config.dir)
        .env(PATH_NAME, &config.name)
        .env(COUNT, count.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn child");
    ChildGuard(child)
}

/// The text after `prefix` on the first line containing it (libtest may print
/// `test child_process ... ` before the child's first line).
fn expect_line(lines: &mut impl Iterator<Item = std::io::Result<String>>, prefix: &str) -> String {
    for line in lines.by_ref() {
        let line = line.expect("read child stdout");
        if let Some(at) = line.find(prefix) {
            return line[at + prefix.len()..].trim().to_owned();
        }
    }
    panic!("child exited before printing {prefix:?}");
}

fn field(line: &str, key: &str) -> u64 {
    line.split_whitespace()
        .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {key} in {line:?}"))
}

#[test]
fn one_writer_many_reader_processes_every_record_checked() {
    const RECORDS: u64 = 2_000_000;
    let seg = TempSegment::new("mp", 1 << 12);
    let mut writer = spawn("paced-writer", &seg.config, RECORDS);
    let mut writer_lines = writer.stdout_lines();
    expect_line(&mut writer_lines, "CREATED");
    let mut readers: Vec<_> = ["fast-reader", "fast-reader", "slow-reader"]
        .into_iter()
        .map(|role| {
            let mut child = spawn(role, &seg.config, RECORDS);
            let lines = child.stdout_lines();
            (role, child, lines)
        })
        .collect();
    let published = expect_line(&mut writer_lines, "PUBLISHED");
    assert_eq!(field(&published, "records"), RECORDS);
    for (role, child, lines) in &mut readers {
        let result = expect_line(lines, "RESULT");
        eprintln!("{role}: {result}");
        let (start, delivered, lost) = (
            field(&result, "start"),
            field(&result, "delivered"),
            field(&result, "lost"),
        );
        assert_eq!(start + delivered + lost, RECORDS, "{role}: {result}");
        if *role == "fast-reader" {
            assert_eq!(
                (start, lost),
                (0, 0),
                "the writer paces itself to registered readers: {result}"
            );
        } else {
            assert!(
                lost > 0 && field(&result, "laps") > 0,
                "the slow reader must be lapped: {result}"
            );
            assert!(delivered > 0, "{result}");
        }
        assert!(child.wait_success(Duration::from_secs(30)), "{role} failed");
    }
    assert!(writer.wait_success(Duration::from_secs(30)));
}

#[test]
fn lapped_reader_processes_sum_their_loss_in_the_header() {
    const RECORDS: u64 = 1000;
    let seg = TempSegment::new("lapsum", 16);
    let mut writer = Writer::<Trade>::create(&seg.config).unwrap();
    let mut readers: Vec<_> = (0..2)
        .map(|_| {
            let mut child = spawn("lapped-reader", &seg.config, RECORDS);
            let mut lines = child.stdout_lines();
            expect_line(&mut lines, "OPENED");
            (child, lines)
        })
        .collect();
    // A burst into 16 slots while both readers sleep: each is lapped at least once.
    for seq in 0..RECORDS {
        writer.publish(&trade(seq));
    }
    let mut total_lost = 0;
    for (child, lines) in &mut readers {
        let result = expect_line(lines, "RESULT");
        let lost = field(&result, "lost");
        assert!(lost > 0, "{result}");
        assert_eq!(field(&result, "delivered") + lost, RECORDS, "{result}");
        total_lost += lost;
        assert!(child.wait_success(Duration::from_secs(10)));
    }
    assert_eq!(
        writer.health(HealthCounter::LapsObserved),
        total_lost,
        "each lapped reader process adds its exact loss to the header counter"
    );
}

#[test]
fn crashed_writer_is_detected_and_replaced() {
    let seg = TempSegment::new("crash", 1 << 10);
    let mut first = spawn("endless-writer", &seg.config, 0);
    let mut first_lines = first.stdout_lines();
    assert_eq!(expect_line(&mut first_lines, "CREATED"), "epoch=1 next=0");
    let mut reader = Reader::<Trade>::open_with(
        seg.path(),
        ReaderOptions {
            start: StartAt::Oldest,
            register: true,
        },
    )
    .unwrap();
    let mut expected = reader.cursor();
    let check = |reader: &mut Reader<Trade>, expected: &mut u64| -> bool {
        match reader.try_read() {
            Read::Record(t) => {
                assert_eq!(t, trade(*expected), "record {expected} corrupt");
                *expected += 1;
                true
            }
            Read::Lapped(n) => {
                *expected += n;
                true
            }
            Read::Empty => false,
        }
    };

    let deadline = Instant::now() + Duration::from_secs(20);
    while expected < 100_000 {
        assert!(Instant::now() < deadline, "writer too slow");
        check(&mut reader, &mut expected);
    }
    assert_eq!(
        reader.writer_status(Duration::from_secs(5)),
        WriterStatus::Alive
    );

    // A second writer process is refused while the first is alive.
    let mut rival = spawn("endless-writer", &seg.config, 0);
    let refused = expect_line(&mut rival.stdout_lines(), "REFUSED");
    assert!(refused.contains("another writer"), "{refused}");
    assert!(!rival.wait_success(Duration::from_secs(10)));

    // SIGKILL mid-stream, then reap it so the pid is really gone.
    first.0.kill().unwrap();
    first.0.wait().unwrap();
    assert_eq!(
        reader.writer_status(Duration::from_secs(5)),
        WriterStatus::Dead
    );
    while check(&mut reader, &mut expected) {}
    assert_eq!(
        expected,
        reader.published(),
        "every record before the crash delivered or counted"
    );
    let before_restart = expected;

    let mut second = spawn("endless-writer", &seg.config, 0);
    let created = expect_line(&mut second.stdout_lines(), "CREATED");
    assert_eq!(
        created,
        format!("epoch=2 next={before_restart}"),
        "restart continues the sequence"
    );
    assert!(reader.writer_restarted());
    assert_eq!(
        reader.writer_status(Duration::from_secs(5)),
        WriterStatus::Alive
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while expected < before_restart + 50_000 {
        assert!(Instant::now() < deadline, "restarted writer too slow");
        check(&mut reader, &mut expected);
    }
    drop(second);
}

/// Entry point of the child processes; does nothing unless run by the tests above.
#[test]
#[ignore = "child-process entry point, spawned by the multi-process tests"]
fn child_process() {
    let Ok(role) = std::env::var(ROLE) else {
        return;
    };
    let config = RingConfig::new(std::env::var(PATH_NAME).unwrap(), 0)
        .in_dir(std::env::var(PATH_DIR).unwrap());
    let count: u64 = std::env::var(COUNT).unwrap().parse().unwrap();
    let deadline = Instant::now() + CHILD_DEADLINE;
    let capacity = 1 << 12;
    match role.as_str() {
        "paced-writer" => paced_writer(RingConfig { capacity, ..config }, count, deadline),
        "endless-writer" => endless_writer(
            RingConfig {
                capacity: 1 << 10,
                ..config
            },
            deadline,
        ),
        "fast-reader" => reader_child(&config, count, true, deadline),
        "slow-reader" => reader_child(&config, count, false, deadline),
        "lapped-reader" => lapped_reader_child(&config, count, deadline),
        other => panic!("unknown role {other}"),
    }
}

/// Publishes `count` records, never letting registered readers fall more than half a ring
/// behind (a test-only pacing through the registry: the ring itself never waits).
fn paced_writer(config: RingConfig, count: u64, deadline: Instant) {
    let mut writer = Writer::<Trade>::create(&config).unwrap();
    println!(
        "CREATED epoch={} next={}",
        writer.epoch(),
        writer.next_seq()
    );
    while writer.readers().len() < 2 {
        assert!(Instant::now() < deadline, "readers never registered");
        std::thread::sleep(Duration::from_millis(1));
    }
    let slack = config.capacity / 2;
    for seq in 0..count {
        if seq % 256 == 0 {
            writer.heartbeat();
            loop {
                let min = writer
                    .readers()
                    .iter()
                    .map(|r| r.cursor)
                    .min()
                    .unwrap_or(seq);
                if seq < min + slack {
                    break;
                }
                assert!(Instant::now() < deadline, "readers stalled at {min}");
                std::thread::yield_now();
            }
        }
        writer.publish(&trade(seq));
    }
    println!("PUBLISHED records={count}");
    // Stay alive (heartbeating) until the readers have finished, so they see a live writer.
    while !writer.readers().is_empty() && Instant::now() < deadline {
        writer.heartbeat();
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn endless_writer(config: RingConfig, deadline: Instant) {
    let mut writer = match Writer::<Trade>::create(&config) {
        Ok(w) => w,
        Err(e @ RingError::WriterActive { .. }) => {
            println!("REFUSED {e}");
            std::process::exit(3);
        }
        Err(e) => panic!("{e}"),
    };
    println!(
        "CREATED epoch={} next={}",
        writer.epoch(),
        writer.next_seq()
    );
    while Instant::now() < deadline {
        for _ in 0..64 {
            let seq = writer.next_seq();
            writer.publish(&trade(seq));
        }
        writer.heartbeat();
        std::thread::sleep(Duration::from_micros(50));
    }
}

/// Registers at sequence 0, then sleeps until the writer has published `count` records before
/// reading them all back (so it is lapped), and prints what it got and lost.
fn lapped_reader_child(config: &RingConfig, count: u64, deadline: Instant) {
    let options = ReaderOptions {
        start: StartAt::Oldest,
        register: true,
    };
    let mut reader = Reader::<Trade>::open_with(config.path(), options).unwrap();
    assert_eq!(reader.cursor(), 0);
    println!("OPENED");
    while reader.published() < count {
        assert!(Instant::now() < deadline, "writer never published");
        std::thread::sleep(Duration::from_millis(1));
    }
    let (mut delivered, mut lost) = (0u64, 0u64);
    loop {
        match reader.try_read() {
            Read::Record(t) => {
                assert_eq!(t, trade(reader.cursor() - 1));
                delivered += 1;
            }
            Read::Lapped(n) => lost += n,
            Read::Empty => break,
        }
    }
    println!("RESULT delivered={delivered} lost={lost}");
}

/// Reads until `count` records are delivered or counted lost, checking each one.
fn reader_child(config: &RingConfig, count: u64, fast: bool, deadline: Instant) {
    let path = config.path();
    let options = ReaderOptions {
        start: StartAt::Oldest,
        register: fast,
    };
    let mut reader = loop {
        match Reader::<Trade>::open_with(&path, options) {
            Ok(r) => break r,
            Err(e) => assert!(
                Instant::now() < deadline,
                "cannot open {}: {e}",
                path.display()
            ),
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    let start = reader.cursor();
    let (mut expected, mut delivered, mut lost, mut laps) = (start, 0u64, 0u64, 0u64);
    while expected < count {
        match reader.try_read() {
            Read::Record(t) => {
                assert_eq!(t, trade(expected), "record {expected} corrupt");
                expected += 1;
                delivered += 1;
                if !fast && delivered % 20_000 == 0 {
                    std::thread::sleep(Duration::from_millis(2));
                }
            }
            Read::Lapped(n) => {
                expected += n;
                lost += n;
                laps += 1;
            }
            Read::Empty => {
                assert!(Instant::now() < deadline, "stalled at {expected}");
                std::hint::spin_loop();
            }
        }
    }
    assert_eq!(expected, count);
    assert_eq!(reader.lost(), lost);
    println!("RESULT start={start} delivered={delivered} lost={lost} laps={laps}");
}
