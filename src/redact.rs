//! Keeping credentials, account ids and ARNs out of what leaves the Worker.

use crate::credentials::Credentials;

/// The longest message kept, in characters: a store may answer with
/// anything, at any length.
pub const MAX_MESSAGE_CHARS: usize = 512;

/// For the client: no ARNs, no 12-digit account ids, no access key ids
/// (alone or inside `Credential=`), no signatures. Meant for text that
/// went through [`for_log`] where it was made, which took the secrets out.
pub fn for_client(text: &str) -> String {
    let text = redact_after(text, "Signature=");
    let mut out = String::with_capacity(text.len());
    for token in split_keeping_separators(&text) {
        out.push_str(&redact_token(token));
    }
    out
}

/// At most `max` characters, with `…` where it was cut.
pub fn bounded(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_owned(),
        Some((at, _)) => format!("{}…", text.get(..at).unwrap_or_default()),
    }
}

/// For the log: the full text, less the secret, the session token and any
/// signature (which would let a reader replay the request within its window).
pub fn for_log(text: &str, credentials: Option<&Credentials>) -> String {
    let mut text = text.to_owned();
    if let Some(creds) = credentials {
        for secret in creds.secrets() {
            text = text.replace(secret, "<redacted>");
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
        let after = tail.trim_start_matches(|c: char| c.is_ascii_hexdigit());
        if after.len() < tail.len() {
            out.push_str("<redacted>");
        }
        rest = after;
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
    // `Credential=AKIA…/20251224/us-east-1/dynamodb/aws4_request` is one
    // token: the key id is what sits between `=` and the first `/`.
    if let Some(at) = token.find("Credential=") {
        let (head, rest) = token.split_at(at + "Credential=".len());
        let tail = rest
            .find('/')
            .and_then(|slash| rest.get(slash..))
            .unwrap_or("");
        return format!("{head}<access-key-id>{tail}");
    }
    // `key=AKIA…`, `id=123456789012`: judge what follows the last `=`.
    if let Some((head, value)) = token.rsplit_once('=')
        && !value.is_empty()
    {
        return format!("{head}={}", redact_token(value));
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
        Credentials::new(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            Some("FwoGZXIvYXdzEXAMPLETOKEN"),
        )
        .unwrap()
    }

    #[test]
    fn client_text_loses_arns_accounts_and_key_ids() {
        let text = "User: arn:aws:sts::123456789012:assumed-role/portal/worker is not authorized \
                    to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/t \
                    (account 123456789012, key AKIAIOSFODNN7EXAMPLE).";
        let out = for_client(text);
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
            c.secret_access_key(),
            c.session_token().unwrap()
        );
        let logged = for_log(&text, Some(&c));
        for out in [for_client(&logged), logged] {
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
        assert_eq!(for_client(text), text);
    }

    #[test]
    fn a_key_id_inside_credential_is_redacted_for_clients() {
        let text = "Authorization: AWS4-HMAC-SHA256 Credential=AKIDANYFORMAT123/20251224/us-east-1/dynamodb/aws4_request, \
                    SignedHeaders=host, Signature=abc123";
        let out = for_client(&for_log(text, None));
        assert!(!out.contains("AKIDANYFORMAT123"), "{out}");
        assert!(
            out.contains("Credential=<access-key-id>/20251224/"),
            "{out}"
        );
        assert!(!out.contains("abc123"), "{out}");
    }

    #[test]
    fn key_ids_and_accounts_after_an_equals_sign_are_redacted() {
        let out = for_client("rejected key=AKIAIOSFODNN7EXAMPLE for account=123456789012.");
        assert_eq!(out, "rejected key=<access-key-id> for account=<account>.");
        assert_eq!(for_client("a=b c="), "a=b c=");
    }

    #[test]
    fn messages_are_bounded() {
        assert_eq!(bounded("short", 10), "short");
        let long = "é".repeat(1000);
        let cut = bounded(&long, MAX_MESSAGE_CHARS);
        assert_eq!(cut.chars().count(), MAX_MESSAGE_CHARS + 1);
        assert!(cut.ends_with('…'));
    }
}
