//! Keeping credentials, account ids and ARNs out of what leaves the Worker.

use crate::config::Credentials;

/// For the client: no ARNs, no 12-digit account ids, no access key ids, no
/// signatures, and never the configured secret or session token.
pub fn for_client(text: &str, credentials: Option<&Credentials>) -> String {
    let text = for_log(text, credentials);
    let mut out = String::with_capacity(text.len());
    for token in split_keeping_separators(&text) {
        out.push_str(&redact_token(token));
    }
    out
}

/// For the log: the full text, less the secret, the session token and any
/// signature (which would let a reader replay the request within its window).
pub fn for_log(text: &str, credentials: Option<&Credentials>) -> String {
    let mut text = text.to_owned();
    if let Some(creds) = credentials {
        for secret in [Some(&creds.secret_access_key), creds.session_token.as_ref()]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
        {
            text = text.replace(secret.as_str(), "<redacted>");
        }
    }
    redact_after(&text, "Signature=")
}

fn redact_after(text: &str, marker: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(marker) {
        let (head, tail) = rest.split_at(at + marker.len());
        out.push_str(head);
        out.push_str("<redacted>");
        rest = tail.trim_start_matches(|c: char| c.is_ascii_hexdigit());
    }
    out.push_str(rest);
    out
}

/// Splits into alternating runs of "word" characters and separators, so that
/// ARNs (which contain `:` and `/`) stay one token.
fn split_keeping_separators(text: &str) -> Vec<&str> {
    let is_word = |c: char| {
        !(c.is_whitespace()
            || matches!(
                c,
                '"' | '\'' | ',' | ';' | '(' | ')' | '<' | '>' | '[' | ']' | '{' | '}'
            ))
    };
    let mut tokens = Vec::new();
    let mut start = 0;
    let mut in_word = None;
    for (i, c) in text.char_indices() {
        let word = is_word(c);
        if in_word != Some(word) {
            if i > start {
                tokens.push(&text[start..i]);
            }
            start = i;
            in_word = Some(word);
        }
    }
    if start < text.len() {
        tokens.push(&text[start..]);
    }
    tokens
}

fn redact_token(token: &str) -> String {
    if token.starts_with("arn:") {
        return "<arn>".to_owned();
    }
    let core = token.trim_end_matches(['.', ':']);
    let suffix = &token[core.len()..];
    let is_account = core.len() == 12 && core.bytes().all(|b| b.is_ascii_digit());
    let is_key_id = core.len() == 20
        && (core.starts_with("AKIA") || core.starts_with("ASIA"))
        && core
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if is_account {
        format!("<account>{suffix}")
    } else if is_key_id {
        format!("<access-key-id>{suffix}")
    } else {
        token.to_owned()
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn creds() -> Credentials {
        Credentials {
            access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(),
            session_token: Some("FwoGZXIvYXdzEXAMPLETOKEN".into()),
        }
    }

    #[test]
    fn client_text_loses_arns_accounts_and_key_ids() {
        let text = "User: arn:aws:sts::123456789012:assumed-role/portal/worker is not authorized \
                    to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/t \
                    (account 123456789012, key AKIAIOSFODNN7EXAMPLE).";
        let out = for_client(text, None);
        assert_eq!(
            out,
            "User: <arn> is not authorized to perform: dynamodb:GetItem on resource: <arn> \
             (account <account>, key <access-key-id>)."
        );
    }

    #[test]
    fn both_texts_lose_secrets_and_signatures() {
        let c = creds();
        let text = format!(
            "secret {} token {} Signature=0123abcdef done",
            c.secret_access_key,
            c.session_token.clone().unwrap()
        );
        for out in [for_log(&text, Some(&c)), for_client(&text, Some(&c))] {
            assert!(!out.contains("wJalrXUtnFEMI"), "{out}");
            assert!(!out.contains("FwoGZXIvYXdz"), "{out}");
            assert!(!out.contains("0123abcdef"), "{out}");
            assert!(out.ends_with("Signature=<redacted> done"), "{out}");
        }
    }

    #[test]
    fn the_log_keeps_arns_and_ids() {
        let text = "on resource: arn:aws:dynamodb:us-east-1:123456789012:table/t";
        assert_eq!(for_log(text, Some(&creds())), text);
    }

    #[test]
    fn plain_messages_pass_unchanged() {
        let text = "The provided key element does not match the schema";
        assert_eq!(for_client(text, None), text);
    }
}
