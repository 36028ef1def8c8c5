//! What the machine is and how much memory this process holds, read from /proc and /sys.

use std::path::Path;

use serde_json::{Value, json};

/// A `VmXxx:  1234 kB` field of /proc/self/status, in KiB.
pub fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Peak resident memory so far (VmHWM), in KiB.
pub fn peak_rss_kib() -> Option<u64> {
    status_kib("VmHWM")
}

pub fn rss_kib() -> Option<u64> {
    status_kib("VmRSS")
}

/// Resets VmHWM to the current RSS (Linux: writing 5 to clear_refs), so that a later reading is
/// the peak of what came after. Returns whether the kernel accepted it.
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// The machine the figures were measured on.
pub fn machine(dir: &Path) -> Value {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu_model = cpuinfo.lines().find_map(|line| {
        line.strip_prefix("model name")?
            .split_once(':')
            .map(|(_, model)| model.trim().to_owned())
    });
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|text| text.trim().to_owned())
        .ok();
    let memory_kib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|meminfo| {
            meminfo.lines().find_map(|line| {
                line.strip_prefix("MemTotal:")?
                    .trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
        });
    json!({
        "scenario": "machine",
        "loadAverage": load_average(),
        "nproc": std::thread::available_parallelism().map(usize::from).ok(),
        "cpuModel": cpu_model,
        "kernel": kernel,
        "memoryKiB": memory_kib,
        "benchDir": dir.display().to_string(),
        "benchDirFilesystem": filesystem_of(dir),
    })
}

/// The 1, 5 and 15 minute load averages: other work on the machine skews every figure.
pub fn load_average() -> Option<String> {
    let loadavg = std::fs::read_to_string("/proc/loadavg").ok()?;
    Some(
        loadavg
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// The mount (device, type, options) that holds `dir`: the longest mount point that prefixes it.
fn filesystem_of(dir: &Path) -> Option<Value> {
    let dir = dir.canonicalize().ok()?;
    let mounts = std::fs::read_to_string("/proc/mounts").ok()?;
    mounts
        .lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            (fields.len() >= 4 && dir.starts_with(fields[1])).then(|| (fields[1].len(), fields))
        })
        .max_by_key(|(len, _)| *len)
        .map(|(_, fields)| {
            let device = fields[0];
            let rotational = device
                .strip_prefix("/dev/")
                .and_then(|name| std::fs::read_to_string(format!("/sys/block/{name}/queue/rotational")).ok())
                .map(|flag| flag.trim() == "1");
            json!({ "device": device, "mountPoint": fields[1], "type": fields[2], "options": fields[3], "rotational": rotational })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process_memory() {
        let rss = rss_kib().expect("VmRSS on Linux");
        let peak = peak_rss_kib().expect("VmHWM on Linux");
        assert!(rss > 0 && peak >= rss, "rss {rss} peak {peak}");
    }

    #[test]
    fn finds_the_filesystem_holding_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        let fs = filesystem_of(dir.path()).expect("a mount holds the temp dir");
        assert!(
            dir.path()
                .canonicalize()
                .unwrap()
                .starts_with(fs["mountPoint"].as_str().unwrap())
        );
    }
}
