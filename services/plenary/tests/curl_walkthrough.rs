//! The curl walk-through of the root README works as written: the shell blocks of its
//! "Driving the commands with curl" section run in order, with bash, against a freshly seeded
//! demo started the way the README starts it (`plenary serve --demo`), with `plenary token`
//! minting the tokens.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const SECTION: &str = "## Driving the commands with curl";
/// How long the demo may take to seed, and the walk-through to run, on a slow machine.
const PATIENCE: Duration = Duration::from_secs(180);

/// The ```sh blocks of the README section headed `heading`, in order; the section ends at the
/// next heading of its level.
fn shell_blocks(markdown: &str, heading: &str) -> Vec<String> {
    let section = markdown
        .split_once(&format!("\n{heading}\n"))
        .map(|(_, rest)| rest)
        .unwrap_or_else(|| panic!("the README has a section {heading:?}"));
    let section = section.split("\n## ").next().unwrap_or(section);
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in section.lines() {
        match (&mut current, line.trim_start()) {
            (None, "```sh") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

/// A `plenary` command with no `PLENARY_*` setting inherited from the test's environment.
fn plenary_command(program: &str) -> Command {
    let mut command = Command::new(program);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("PLENARY_") {
            command.env_remove(name);
        }
    }
    command
}

/// Starts `plenary serve --demo` on a free port over `data_dir`; answers the child (killed when
/// dropped) and its base URL once the demo is seeded and the server listens.
async fn serve_demo(data_dir: &Path, log: std::fs::File) -> (Child, String) {
    let mut server = plenary_command(env!("CARGO_BIN_EXE_plenary"))
        .args(["serve", "--demo", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log))
        .kill_on_drop(true)
        .spawn()
        .expect("plenary serve starts");
    let mut lines = BufReader::new(server.stdout.take().expect("stdout is piped")).lines();
    let base = tokio::time::timeout(PATIENCE, async {
        while let Some(line) = lines.next_line().await.expect("stdout reads") {
            if let Some(base) = line.strip_prefix("Plenary is listening on ") {
                return base.trim().to_string();
            }
        }
        panic!("plenary serve ended before it listened");
    })
    .await
    .expect("the demo is seeded in time");
    // Keep reading what the server prints (the demo tokens) so that it never blocks on a
    // full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (server, base)
}

#[tokio::test]
async fn the_root_readme_curl_walkthrough_runs_as_written() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
        .expect("the root README reads");
    let blocks = shell_blocks(&readme, SECTION);
    assert!(
        blocks.len() >= 10,
        "the walk-through has a block per step, found {}",
        blocks.len()
    );

    let scratch = tempfile::tempdir().unwrap();
    let data_dir = scratch.path().join("data");
    let workdir = scratch.path().join("work");
    std::fs::create_dir_all(&workdir).unwrap();
    let server_log_path = scratch.path().join("server.log");
    let server_log = std::fs::File::create(&server_log_path).unwrap();
    let (_server, base) = serve_demo(&data_dir, server_log).await;

    let script = format!("set -euo pipefail\n{}", blocks.join("\n"))
        .replace("http://127.0.0.1:8080", &base)
        .replace("target/debug/plenary", env!("CARGO_BIN_EXE_plenary"))
        .replace("data/demo", &data_dir.display().to_string());
    let run = plenary_command("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(&workdir)
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(PATIENCE, run)
        .await
        .expect("the walk-through finishes in time")
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let server_log = std::fs::read_to_string(&server_log_path).unwrap_or_default();
    assert!(
        output.status.success(),
        "the walk-through failed\nstdout:\n{stdout}\nstderr:\n{stderr}\nserver log:\n{server_log}"
    );

    let shows = |expected: &str| {
        assert!(
            stdout.contains(expected),
            "the walk-through shows {expected}:\n{stdout}"
        )
    };
    // Contributions: numbered after the demo's three, revised, downloaded, late ones settled.
    shows("\"number\":\"DFC-I-004\"");
    shows("\"number\":\"DFC-I-004R1\"");
    shows("Interoperability scenarios between DFC systems, revised");
    shows("\"noticeWaived\":true");
    shows("\"late\":true");
    // Comments: the edit keeps the first text, the retraction leaves a tombstone, resolved.
    shows("\"resolved\":true");
    shows("{\"text\":\"Scenario 2 leaves out settlement between two central banks.\"}");
    shows("\"text\":null,\"edited\":false,\"retracted\":true");
    // Deliverables and consensus: the next output number, the refused position, the approval
    // recorded by the routing reactor from the correction.
    shows("\"number\":\"DFC-O-002\"");
    shows("Cross-border interoperability scenarios\n\nDraft 1");
    shows("\"code\":\"consensus.reason_required\"");
    shows("\"approvingDecision\":{\"id\"");
    shows("\"outcome\":\"AGREED_WITH_MODIFICATIONS\",\"inForce\":true");
    shows("\"disposition\":\"RESOLVED\"");
    // TSAG: transmitted, acknowledged, then a return is refused as settled.
    shows("\"parentGroupId\":\"tsag\"");
    shows("\"code\":\"deliverable.transmittal_settled\"");
    shows("\"lifetimeMonths\":30");
    assert_eq!(stdout.trim_end().lines().last(), Some("412"), "{stdout}");
}
