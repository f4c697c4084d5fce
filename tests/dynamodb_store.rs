//! The DynamoDB store's own code, natively, against moto with signature
//! checking on, and against the fault-injecting front in front of it.
//! Servers are started by `scripts/test.sh`.
#![cfg(not(target_arch = "wasm32"))]

mod e2e_support;

use std::time::{Duration, Instant, SystemTime};

use e2e_support::{TRANSIENT_FAULTS, env, fixtures, front_count, front_plan, unique_id};
use workflow_status_worker::attribute::parse_item;
use workflow_status_worker::clock::Clock;
use workflow_status_worker::config::Config;
use workflow_status_worker::credentials::Credentials;
use workflow_status_worker::session_id::SessionId;
use workflow_status_worker::store::dynamodb::DynamoStore;
use workflow_status_worker::store::{Read, StatusStore, StoreError};
use workflow_status_worker::timestamp::from_unix_millis;
use workflow_status_worker::transform::document_from_item;

struct TokioClock;

impl Clock for TokioClock {
    fn now_millis(&self) -> f64 {
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs_f64()
            * 1000.0
    }
    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }
}

fn store(endpoint: &str, extra: &[(&str, &str)], secret: Option<&str>) -> DynamoStore<TokioClock> {
    let mut pairs = vec![
        ("STATUS_STORE", "dynamodb"),
        ("DYNAMODB_ENDPOINT", endpoint),
        ("DYNAMODB_MAX_ATTEMPTS", "3"),
        ("DYNAMODB_ATTEMPT_TIMEOUT_MS", "1000"),
        ("DYNAMODB_DEADLINE_MS", "2500"),
        ("DYNAMODB_BACKOFF_BASE_MS", "20"),
        ("DYNAMODB_BACKOFF_MAX_MS", "100"),
    ];
    pairs.extend_from_slice(extra);
    let lookup = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
    };
    let config = Config::from_lookup(&lookup).unwrap();
    let secret = secret
        .map(str::to_owned)
        .unwrap_or_else(|| env("MOTO_SECRET_ACCESS_KEY"));
    let credentials = Credentials::new(&env("MOTO_ACCESS_KEY_ID"), &secret, None).unwrap();
    dynamo(config, credentials)
}

fn dynamo(config: Config, credentials: Credentials) -> DynamoStore<TokioClock> {
    DynamoStore::new(
        config.replicas,
        config.consistent_read,
        config.retry,
        credentials,
        TokioClock,
        || 0.5,
    )
}

fn moto(extra: &[(&str, &str)]) -> DynamoStore<TokioClock> {
    store(&env("MOTO_URL"), extra, None)
}

fn id(text: &str) -> SessionId {
    SessionId::new(text.to_owned()).unwrap()
}

fn render(id: &str, item: &workflow_status_worker::attribute::Item) -> String {
    match document_from_item(id, item, from_unix_millis(0)) {
        Ok(document) => document.to_json(),
        Err(malformed) => malformed.to_string(),
    }
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn signed_reads_return_every_fixture_item() {
    let store = moto(&[]);
    for fixture in fixtures() {
        let read = store.get(&id(&fixture.id), None).await;
        let item = read
            .result
            .unwrap_or_else(|e| panic!("{}: {e:?}", fixture.name))
            .expect("item");
        assert_eq!(read.attempts, 1);
        let embedded = parse_item(
            workflow_status_worker::store::fixtures::FIXTURE_ITEMS
                .iter()
                .find(|(n, _)| *n == fixture.name)
                .unwrap()
                .1,
        )
        .unwrap();
        assert_eq!(
            render(&fixture.id, &item),
            render(&fixture.id, &embedded),
            "{}",
            fixture.name
        );
    }
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn missing_item_is_none() {
    let read = moto(&[]).get(&id("never-written"), None).await;
    assert_eq!(read.result, Ok(None));
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn consistent_reads_and_other_key_attributes_work() {
    let store = moto(&[
        (
            "DYNAMODB_PROCESSING_STATUS_TABLE",
            "status-by-processing-id",
        ),
        ("STATUS_KEY_ATTRIBUTE", "processing_id"),
        ("DYNAMODB_CONSISTENT_READ", "true"),
    ]);
    let read = store.get(&id("session-completed"), None).await;
    assert!(read.result.unwrap().is_some());
}

fn assert_final(read: &Read, needle: &str) -> String {
    let error = read.result.as_ref().unwrap_err();
    assert!(!error.is_retryable(), "{error:?}");
    assert_eq!(read.attempts, 1, "final errors are not retried");
    let message = error.client_message();
    assert!(message.contains(needle), "{message}");
    message
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn a_wrong_secret_is_rejected_clearly_and_never_shown() {
    let wrong = "wrong-secret-0123456789abcdefABCDEF/+xyz";
    let store = store(&env("MOTO_URL"), &[], Some(wrong));
    let read = store.get(&id("session-completed"), None).await;
    let message = assert_final(&read, "AWS_SECRET_ACCESS_KEY");
    let error = read.result.unwrap_err();
    assert!(error.is_credential_rejection());
    assert!(!message.contains(wrong));
    assert!(!error.log_message().contains(wrong));
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn an_unknown_access_key_is_rejected_clearly() {
    // Same secret, unknown key id.
    let unknown_key = dynamo(
        Config::from_lookup(&|name: &str| match name {
            "DYNAMODB_ENDPOINT" => Some(env("MOTO_URL")),
            _ => None,
        })
        .unwrap(),
        Credentials::new("AKIAIOSFODNN7EXAMPLE", &env("MOTO_SECRET_ACCESS_KEY"), None).unwrap(),
    );
    let read = unknown_key.get(&id("session-completed"), None).await;
    let message = assert_final(&read, "AWS_ACCESS_KEY_ID");
    assert!(
        !message.contains("AKIAIOSFODNN7EXAMPLE"),
        "key ids are redacted: {message}"
    );
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn a_missing_table_names_table_and_region() {
    let read = moto(&[
        ("DYNAMODB_PROCESSING_STATUS_TABLE", "no-such-table"),
        ("AWS_REGION", "eu-west-3"),
    ])
    .get(&id("s"), None)
    .await;
    let message = assert_final(&read, "\"no-such-table\"");
    assert!(message.contains("eu-west-3"), "{message}");
    assert!(
        matches!(read.result, Err(StoreError::Service(ref e)) if e.code == "ResourceNotFoundException")
    );
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn a_key_schema_mismatch_points_at_the_key_setting() {
    let read = moto(&[(
        "DYNAMODB_PROCESSING_STATUS_TABLE",
        "status-by-processing-id",
    )])
    .get(&id("session-completed"), None)
    .await;
    let message = assert_final(&read, "STATUS_KEY_ATTRIBUTE");
    assert!(
        message.starts_with("The provided key element does not match the schema"),
        "{message}"
    );
}

/// Plans faults for a fresh session at the front, reads through it, and
/// checks the outcome and the attempts the front saw.
async fn through_front(plan: &[&str], expect_ok: bool, attempts: u32) -> (Read, Duration) {
    let front = env("FRONT_URL");
    let session = unique_id(&format!("store-{}", plan.join("-").replace(':', "_")));
    front_plan(&front, &session, plan).await;
    let started = Instant::now();
    let read = store(&front, &[], None).get(&id(&session), None).await;
    let elapsed = started.elapsed();
    assert_eq!(
        read.result.is_ok(),
        expect_ok,
        "{plan:?}: {:?}",
        read.result
    );
    assert_eq!(read.attempts, attempts, "{plan:?}: attempts reported");
    assert_eq!(
        front_count(&front, &session).await,
        u64::from(attempts),
        "{plan:?}: attempts seen"
    );
    (read, elapsed)
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn transient_faults_are_retried_to_success() {
    for (plan, attempts) in TRANSIENT_FAULTS {
        let (read, _) = through_front(plan, true, attempts).await;
        assert_eq!(read.result, Ok(None), "{plan:?}");
    }
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn persistent_throttling_stops_at_the_attempt_limit() {
    let (read, elapsed) = through_front(&["throttle"; 5], false, 3).await;
    let error = read.result.unwrap_err();
    assert!(
        error.client_message().contains("provisioned throughput"),
        "{error:?}"
    );
    assert!(elapsed < Duration::from_millis(2500), "{elapsed:?}");
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn persistent_checksum_failures_are_reported() {
    let (read, _) = through_front(&["bad_crc"; 3], false, 3).await;
    assert!(
        matches!(read.result, Err(StoreError::Checksum { .. })),
        "{:?}",
        read.result
    );
}

#[tokio::test]
#[ignore = "needs the servers scripts/test.sh starts"]
async fn a_hanging_upstream_cannot_outlast_the_deadline() {
    let (read, elapsed) = through_front(&["hang:10"; 3], false, 3).await;
    assert!(
        matches!(read.result, Err(StoreError::Timeout(_))),
        "{:?}",
        read.result
    );
    // 2.5 s deadline, plus scheduling slack; never the 10 s hang.
    assert!(elapsed < Duration::from_millis(3000), "{elapsed:?}");
    assert!(elapsed >= Duration::from_millis(2000), "{elapsed:?}");
}
