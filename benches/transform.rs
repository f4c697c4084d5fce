//! Criterion benchmarks of the platform-free core, natively:
//!
//! - `document/*`: `transform::document_from_item` + `StatusDocument::to_json`
//!   for every fixture item that produces a document (the Worker's miss path
//!   minus I/O);
//! - `serve/*`: the whole `service::serve` path on the fixture store with
//!   `service::NoCache` (route, config, store lookup, transform, etag,
//!   headers), once with prepared `Deps` and once building them per request
//!   as the Worker shell does (config parse + store open);
//! - `parse_item/*`: `attribute::parse_item` of fixture items and of a
//!   GetItem-sized item, plus `dynamodb::response::interpret` (CRC32 check +
//!   parse) of a whole GetItem answer;
//! - `sign/get_item`: SigV4 signing of one GetItem request (paid on every
//!   DynamoDB read).
//!
//! Run: `cargo bench --bench transform -- --warm-up-time 1 --measurement-time 3`
//!
//! Clippy runs with `--all-targets` for wasm32 too, where criterion is not a
//! dependency: there this file is an empty `main`.

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(native::benches);

// The tests' helpers: the fixed clock and "now", configuration, requests.
#[cfg(not(target_arch = "wasm32"))]
#[path = "../tests/common/mod.rs"]
mod common;

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use crate::common::{self, FIXED_NOW_MS, FixedClock, run};
    use std::hint::black_box;
    use std::time::{Duration, UNIX_EPOCH};

    use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};

    use workflow_status_worker::attribute::{AttributeValue, Item, parse_item};
    use workflow_status_worker::cache::NoCache;
    use workflow_status_worker::credentials::Credentials;
    use workflow_status_worker::metrics::NoMetrics;
    use workflow_status_worker::rate_limit::NoLimit;
    use workflow_status_worker::service::{Deps, Incoming, Isolate, Outcome, serve};
    use workflow_status_worker::settings::from_pairs;
    use workflow_status_worker::setup::Setup;
    use workflow_status_worker::store::dynamodb::request::GetItem;
    use workflow_status_worker::store::dynamodb::response::{Answer, interpret};
    use workflow_status_worker::store::fixtures::FIXTURE_ITEMS;
    use workflow_status_worker::table::Table;
    use workflow_status_worker::timestamp::from_unix_millis;
    use workflow_status_worker::transform::document_from_item;

    /// The fixtures the brief singles out come first in every group.
    const FEATURED: [&str; 2] = ["session-completed", "session-large-tokens"];

    fn fixture(name: &str) -> &'static str {
        FIXTURE_ITEMS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, json)| *json)
            .unwrap_or_else(|| panic!("fixtures/items/{name}.json is not embedded"))
    }

    fn session_id(item: &Item) -> String {
        match item.get("sessionId") {
            Some(AttributeValue::S(id)) => id.clone(),
            other => panic!("fixture without a string sessionId: {other:?}"),
        }
    }

    /// `(name, item, session id)` for every fixture that produces a document,
    /// featured ones first.
    fn document_fixtures() -> Vec<(&'static str, Item, String)> {
        let now = from_unix_millis(FIXED_NOW_MS as i64);
        let mut all: Vec<_> = FIXTURE_ITEMS
            .iter()
            .map(|(name, json)| {
                let item = parse_item(json).unwrap_or_else(|e| panic!("{name}: {e}"));
                let id = session_id(&item);
                (*name, item, id)
            })
            .filter(|(_, item, id)| document_from_item(id, item, now).is_ok())
            .collect();
        all.sort_by_key(|(name, _, _)| (!FEATURED.contains(name), *name));
        assert!(all.len() >= FEATURED.len(), "fixtures missing");
        all
    }

    fn bench_document(c: &mut Criterion) {
        let now = from_unix_millis(FIXED_NOW_MS as i64);
        let mut group = c.benchmark_group("document");
        for (name, item, id) in document_fixtures() {
            group.bench_with_input(
                BenchmarkId::from_parameter(name),
                &(item, id),
                |b, (item, id)| {
                    b.iter(|| {
                        let document = document_from_item(black_box(id), black_box(item), now)
                            .expect("fixture produces a document");
                        black_box(document.to_json())
                    })
                },
            );
        }
        group.finish();
    }

    fn get(id: &str) -> Incoming {
        common::get(&common::status_path(id))
    }

    fn check(outcome: &Outcome, id: &str) {
        assert!(
            outcome.reply.status == 200 && outcome.log.is_empty(),
            "{id}: {} {}",
            outcome.reply.status,
            outcome.reply.body
        );
    }

    fn bench_serve(c: &mut Criterion) {
        let mut group = c.benchmark_group("serve");
        let mut ids: Vec<String> = FEATURED.iter().map(|s| (*s).to_owned()).collect();
        ids.push("session-not-written-yet".to_owned()); // the pending default
        for id in &ids {
            let incoming = get(id);
            // The isolate built once: the service's own work.
            let fixtures = [("STATUS_STORE", "fixtures")];
            let isolate =
                Isolate::new(Setup::from_vars(&from_pairs(&fixtures), FixedClock, || 0.5));
            let deps = Deps {
                isolate: &isolate,
                edge: &NoCache,
                clock: &FixedClock,
                limiter: &NoLimit,
                metrics: &NoMetrics,
            };
            check(&run(serve(&incoming, &deps)), id);
            group.bench_with_input(BenchmarkId::new("nocache", id), &incoming, |b, incoming| {
                b.iter(|| black_box(run(serve(black_box(incoming), &deps))))
            });
            // What the Worker shell does per request: parse the vars, open
            // the store, then serve.
            let vars = [("STATUS_STORE", "fixtures"), ("AWS_REGION", "us-east-1")];
            let lookup = |name: &str| {
                vars.iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).to_owned())
            };
            group.bench_with_input(
                BenchmarkId::new("per_request_deps", id),
                &incoming,
                |b, incoming| {
                    b.iter(|| {
                        let isolate = Isolate::new(Setup::from_vars(&lookup, FixedClock, || 0.5));
                        let deps = Deps {
                            isolate: &isolate,
                            edge: &NoCache,
                            clock: &FixedClock,
                            limiter: &NoLimit,
                            metrics: &NoMetrics,
                        };
                        black_box(run(serve(black_box(incoming), &deps)))
                    })
                },
            );
        }
        group.finish();
    }

    /// A GetItem-sized item: the completed fixture plus an `events` list of
    /// `n` maps (an audit trail of the kind such tables accumulate).
    fn large_item_json(n: usize) -> String {
        let base = fixture("session-completed").trim_end();
        let base = base.strip_suffix('}').expect("fixture is a JSON object");
        let events: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    r#"{{"M":{{"at":{{"S":"2025-12-24T10:{:02}:{:02}.{:03}Z"}},"agent":{{"S":"tradeExtraction"}},"event":{{"S":"step {i} finished"}},"tokens":{{"N":"{}"}},"ok":{{"BOOL":true}}}}}}"#,
                    i / 60 % 60,
                    i % 60,
                    i % 1000,
                    i * 37
                )
            })
            .collect();
        format!(r#"{base}, "events": {{"L": [{}]}}}}"#, events.join(","))
    }

    fn bench_parse(c: &mut Criterion) {
        let mut group = c.benchmark_group("parse_item");
        let large = large_item_json(40);
        parse_item(&large).expect("large item parses");
        let mut inputs: Vec<(String, String)> = FEATURED
            .iter()
            .map(|name| ((*name).to_owned(), fixture(name).to_owned()))
            .collect();
        inputs.push((format!("getitem-{}B", large.len()), large.clone()));
        for (name, json) in &inputs {
            group.throughput(Throughput::Bytes(json.len() as u64));
            group.bench_with_input(BenchmarkId::from_parameter(name), json, |b, json| {
                b.iter(|| black_box(parse_item(black_box(json)).expect("parses")))
            });
        }
        // The whole answer as the DynamoDB store reads it: CRC32 + parse.
        let table = Table::from_vars(&|_| None).expect("default table");
        for (name, json) in &inputs {
            let body = format!(r#"{{"Item":{json}}}"#).into_bytes();
            let crc = crc32fast::hash(&body).to_string();
            fn answer<'a>(crc: &'a str, body: &'a [u8]) -> Answer<'a> {
                Answer {
                    status: 200,
                    crc32: Some(crc),
                    content_encoding: None,
                    body,
                }
            }
            assert!(matches!(
                interpret(answer(&crc, &body), &table),
                Ok(Some(_))
            ));
            group.throughput(Throughput::Bytes(body.len() as u64));
            group.bench_with_input(BenchmarkId::new("interpret", name), &body, |b, body| {
                b.iter(|| black_box(interpret(answer(&crc, black_box(body)), &table)))
            });
        }
        group.finish();
    }

    fn bench_sign(c: &mut Criterion) {
        let credentials = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
        )
        .expect("valid credentials");
        let table = Table::from_vars(&|_| None).expect("default table");
        let request = GetItem {
            table: &table,
            id: "session-completed",
            consistent_read: false,
        };
        let time = UNIX_EPOCH + Duration::from_millis(FIXED_NOW_MS as u64);
        request.sign(&credentials, time).expect("signs");
        c.bench_function("sign/get_item", |b| {
            b.iter(|| black_box(request.sign(black_box(&credentials), time)))
        });
    }

    criterion_group!(
        benches,
        bench_document,
        bench_serve,
        bench_parse,
        bench_sign
    );
}
