//! CPU time of threads and processes, read from `/proc/.../schedstat` (nanoseconds of run time,
//! kept by the scheduler; unlike `utime`/`stime` it is not rounded to clock ticks).

use std::path::Path;

/// Run time of the calling thread so far, in ns (`None` when `/proc` is unavailable).
#[must_use]
pub fn thread_cpu_ns() -> Option<u64> {
    read_schedstat(Path::new("/proc/thread-self/schedstat"))
}

/// Run time of thread `tid` of this process so far, in ns.
#[must_use]
pub fn own_task_cpu_ns(tid: u32) -> Option<u64> {
    read_schedstat(
        &Path::new("/proc/self/task")
            .join(tid.to_string())
            .join("schedstat"),
    )
}

/// Ids of this process's threads whose name (`comm`) starts with `prefix`.
#[must_use]
pub fn own_threads_named(prefix: &str) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc/self/task") else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let tid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let comm = std::fs::read_to_string(entry.path().join("comm")).ok()?;
            comm.starts_with(prefix).then_some(tid)
        })
        .collect()
}

/// Summed run time of the given threads of this process (threads that exited are skipped).
#[must_use]
pub fn own_tasks_cpu_ns(tids: &[u32]) -> u64 {
    tids.iter().filter_map(|&tid| own_task_cpu_ns(tid)).sum()
}

fn read_schedstat(path: &Path) -> Option<u64> {
    let text = std::fs::read_to_string(path).ok()?;
    text.split_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spinning_thread_accumulates_run_time() {
        let before = thread_cpu_ns().expect("schedstat readable");
        let start = std::time::Instant::now();
        while start.elapsed() < std::time::Duration::from_millis(20) {
            std::hint::spin_loop();
        }
        let after = thread_cpu_ns().expect("schedstat readable");
        assert!(after > before, "{before} -> {after}");
    }

    #[test]
    fn finds_a_named_thread() {
        let handle = std::thread::Builder::new()
            .name("cpu-probe-x".into())
            .spawn(|| std::thread::sleep(std::time::Duration::from_millis(200)))
            .expect("spawn");
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert_eq!(own_threads_named("cpu-probe-x").len(), 1);
        handle.join().expect("join");
    }
}
