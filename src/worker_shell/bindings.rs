//! The optional bindings behind the service's seams: the Rate Limiting
//! binding as its `RateLimiter`, an Analytics Engine dataset as its
//! `MetricsSink`.

use worker::js_sys::Reflect;
use worker::{AnalyticsEngineDataPointBuilder, AnalyticsEngineDataset, Env, web_sys};

use crate::metrics::{DataPoint, MetricsSink};
use crate::rate_limit::RateLimiter;
use crate::regions::Location;

/// The optional bindings, looked up once per isolate (each lookup crosses
/// into JavaScript several times).
pub struct Bindings {
    pub limiter: Limiter,
    pub metrics: Metrics,
}

impl Bindings {
    pub fn from_env(env: &Env) -> Self {
        Bindings {
            limiter: Limiter(env.rate_limiter("RATE_LIMITER").ok()),
            metrics: Metrics(env.analytics_engine("METRICS").ok()),
        }
    }
}

/// The Rate Limiting binding, when bound; a failing binding lets requests on.
pub struct Limiter(pub Option<worker::RateLimiter>);

impl Limiter {
    pub fn is_bound(&self) -> bool {
        self.0.is_some()
    }
}

impl RateLimiter for Limiter {
    async fn allow(&self, key: &str) -> bool {
        match &self.0 {
            None => true,
            Some(binding) => binding
                .limit(key.to_owned())
                .await
                .map_or(true, |outcome| outcome.success),
        }
    }
}

/// The Analytics Engine dataset, when bound (`writeDataPoint` does not block).
pub struct Metrics(pub Option<AnalyticsEngineDataset>);

impl MetricsSink for Metrics {
    fn record(&self, point: DataPoint) {
        let Some(dataset) = &self.0 else { return };
        let built = AnalyticsEngineDataPointBuilder::new()
            .indexes([point.tier.as_str()])
            .blobs(point.blobs())
            .doubles(point.doubles())
            .build();
        let _ = dataset.write_data_point(&built);
    }
}

/// Where Cloudflare serves the request, from `request.cf` (absent under a
/// plain `wrangler dev`, whose `cf` is a placeholder without coordinates).
pub fn location(request: &web_sys::Request) -> Location {
    let cf = Reflect::get(request, &"cf".into()).ok();
    let field = |name: &str| {
        let cf = cf.as_ref().filter(|cf| cf.is_object())?;
        Reflect::get(cf, &name.into()).ok()?.as_string()
    };
    Location::from_cf(field("latitude"), field("longitude"), field("continent"))
}
