//! The optional bindings behind the service's seams: the Rate Limiting
//! binding as its `RateLimiter`, an Analytics Engine dataset as its
//! `MetricsSink`.

use worker::{AnalyticsEngineDataPointBuilder, AnalyticsEngineDataset};

use crate::metrics::{DataPoint, MetricsSink};
use crate::rate_limit::RateLimiter;

/// The Rate Limiting binding, when bound; a failing binding lets requests on.
pub struct Limiter(pub Option<worker::RateLimiter>);

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
