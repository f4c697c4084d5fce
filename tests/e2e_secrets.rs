//! Run last (scripts/test.sh runs it in a cargo
//! invocation of its own after every other end-to-end test): no log line any
//! end-to-end server wrote — workers under wrangler dev, bare workerd, moto,
//! the fault front — carries the access key id, the secret, a session
//! token or a SigV4 signature.
#![cfg(not(target_arch = "wasm32"))]

mod e2e_support;

use e2e_support::{env, log_lines};

/// `Signature=` followed by at least 16 hex digits: a SigV4 signature.
fn has_signature(line: &str) -> bool {
    line.match_indices("Signature=").any(|(at, key)| {
        let after = &line[at + key.len()..];
        after.bytes().take_while(u8::is_ascii_hexdigit).count() >= 16
    })
}

#[test]
#[ignore = "needs the servers scripts/test.sh starts"]
fn no_log_line_carries_a_credential_or_a_signature() {
    let mut needles = vec![
        ("the access key id", env("MOTO_ACCESS_KEY_ID")),
        ("the secret access key", env("MOTO_SECRET_ACCESS_KEY")),
    ];
    for name in ["AWS_SESSION_TOKEN", "E2E_SESSION_TOKEN"] {
        if let Some(token) = std::env::var(name).ok().filter(|t| !t.is_empty()) {
            needles.push(("a session token", token));
        }
    }
    let lines: Vec<_> = log_lines(&[])
        .into_iter()
        // Secrets files (`*.env`) and the driver's environment dump hold
        // credentials by design; they are inputs, not logs.
        .filter(|(file, _)| !file.ends_with(".env") && file != "env.sh")
        .collect();
    let files: std::collections::BTreeSet<_> = lines.iter().map(|(f, _)| f.as_str()).collect();
    assert!(
        files
            .iter()
            .any(|f| f.starts_with("wrangler-") || f.starts_with("workerd-")),
        "no worker logs in E2E_LOG_DIR: {files:?}"
    );
    let mut hits = Vec::new();
    for (file, line) in &lines {
        for (what, needle) in &needles {
            if line.contains(needle.as_str()) {
                hits.push(format!("{file}: {what}"));
            }
        }
        if has_signature(line) {
            hits.push(format!("{file}: a SigV4 signature"));
        }
    }
    eprintln!(
        "secrets: {} lines in {} files checked: {files:?}",
        lines.len(),
        files.len()
    );
    assert!(hits.is_empty(), "{hits:#?}");
}

#[test]
fn a_signature_is_recognised() {
    assert!(has_signature(
        "Authorization: AWS4-HMAC-SHA256 Credential=x, Signature=0123456789abcdef0123"
    ));
    assert!(!has_signature("Signature=<redacted>"));
    assert!(!has_signature("no signature here"));
}
