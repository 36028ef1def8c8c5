//! The curl walk-through in this crate's README works as written: its shell blocks run in
//! order against a real server seeded with the demo, with `plenary token` minting the tokens.

use platform::testing::TestApp;

/// The README's ```sh blocks, in order.
fn shell_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
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

#[tokio::test]
async fn the_readme_curl_walkthrough_runs_as_written() {
    let app = TestApp::spawn(plenary::services()).await;
    let tokens = plenary::people::tokens(app.platform.auth()).unwrap();
    plenary::demo::seed(&app.address, &tokens).await.unwrap();

    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let blocks = shell_blocks(&readme);
    assert!(blocks.len() >= 5, "the walk-through has its blocks");
    let data_dir = app.platform.settings().data_dir.display().to_string();
    let script = format!("set -euo pipefail\n{}", blocks.join("\n"))
        .replace("http://127.0.0.1:8080", &app.address)
        .replace("target/debug/plenary", env!("CARGO_BIN_EXE_plenary"))
        .replace("data/demo", &data_dir);

    let workdir = tempfile::tempdir().unwrap();
    let output = tokio::process::Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(workdir.path())
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        stdout.contains("\"number\":\"DFC-I-004\""),
        "the submission is numbered after the demo's three: {stdout}"
    );
    assert!(stdout.contains("\"number\":\"DFC-I-004R1\""), "{stdout}");
    assert!(
        stdout.contains("Interoperability scenarios between DFC systems, revised"),
        "{stdout}"
    );
    assert_eq!(stdout.trim_end().lines().last(), Some("412"), "{stdout}");
}
