//! Where AWS regions are, and which replica is nearest a request.
//!
//! The Worker runs in every Cloudflare location; with a DynamoDB global
//! table replicated to several regions, a miss should cross as little of
//! the world as it can. The order is a pure function of the request's
//! location (Cloudflare's `request.cf`) and the configured regions.

use crate::float_text::finite_f64;

/// A point on the globe, in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coordinates {
    pub latitude: f64,
    pub longitude: f64,
}

/// What the runtime says about where a request is served.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Location {
    pub coordinates: Option<Coordinates>,
    /// Two-letter continent code (`EU`, `NA`, `AS`, …).
    pub continent: Option<String>,
}

impl Location {
    /// From `request.cf`'s fields as the runtime gives them (latitude and
    /// longitude are decimal strings); unreadable coordinates are none.
    pub fn from_cf(
        latitude: Option<String>,
        longitude: Option<String>,
        continent: Option<String>,
    ) -> Location {
        let number = |text: Option<String>| finite_f64(text?.trim());
        Location {
            coordinates: number(latitude)
                .zip(number(longitude))
                .map(|(latitude, longitude)| Coordinates {
                    latitude,
                    longitude,
                }),
            continent,
        }
    }
}

/// Commercial AWS regions with DynamoDB: name, approximate location,
/// continent. (China's regions use other endpoints and are not listed.)
const REGIONS: &[(&str, f64, f64, &str)] = &[
    ("us-east-1", 38.9, -77.4, "NA"),
    ("us-east-2", 40.0, -83.0, "NA"),
    ("us-west-1", 37.4, -121.9, "NA"),
    ("us-west-2", 45.8, -119.7, "NA"),
    ("us-gov-east-1", 39.0, -77.0, "NA"),
    ("us-gov-west-1", 45.8, -119.7, "NA"),
    ("ca-central-1", 45.5, -73.6, "NA"),
    ("ca-west-1", 51.0, -114.1, "NA"),
    ("mx-central-1", 20.6, -100.4, "NA"),
    ("sa-east-1", -23.5, -46.6, "SA"),
    ("eu-west-1", 53.3, -6.3, "EU"),
    ("eu-west-2", 51.5, -0.1, "EU"),
    ("eu-west-3", 48.9, 2.4, "EU"),
    ("eu-central-1", 50.1, 8.7, "EU"),
    ("eu-central-2", 47.4, 8.5, "EU"),
    ("eu-north-1", 59.3, 18.1, "EU"),
    ("eu-south-1", 45.5, 9.2, "EU"),
    ("eu-south-2", 41.6, -0.9, "EU"),
    ("il-central-1", 32.1, 34.8, "AS"),
    ("me-south-1", 26.1, 50.6, "AS"),
    ("me-central-1", 24.5, 54.4, "AS"),
    ("af-south-1", -33.9, 18.4, "AF"),
    ("ap-east-1", 22.3, 114.2, "AS"),
    ("ap-east-2", 25.0, 121.5, "AS"),
    ("ap-south-1", 19.1, 72.9, "AS"),
    ("ap-south-2", 17.4, 78.5, "AS"),
    ("ap-southeast-1", 1.35, 103.8, "AS"),
    ("ap-southeast-2", -33.9, 151.2, "OC"),
    ("ap-southeast-3", -6.2, 106.8, "AS"),
    ("ap-southeast-4", -37.8, 145.0, "OC"),
    ("ap-southeast-5", 3.1, 101.7, "AS"),
    ("ap-southeast-7", 13.8, 100.5, "AS"),
    ("ap-northeast-1", 35.7, 139.7, "AS"),
    ("ap-northeast-2", 37.6, 127.0, "AS"),
    ("ap-northeast-3", 34.7, 135.5, "AS"),
];

/// Whether DynamoDB is known to be in `region`.
pub fn is_known(region: &str) -> bool {
    REGIONS.iter().any(|(name, ..)| *name == region)
}

fn place(region: &str) -> Option<(Coordinates, &'static str)> {
    REGIONS
        .iter()
        .find(|(name, ..)| *name == region)
        .map(|(_, latitude, longitude, continent)| {
            (
                Coordinates {
                    latitude: *latitude,
                    longitude: *longitude,
                },
                *continent,
            )
        })
}

/// Great-circle distance in kilometres (haversine).
pub fn distance_km(a: Coordinates, b: Coordinates) -> f64 {
    let (lat1, lat2) = (a.latitude.to_radians(), b.latitude.to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b.longitude - a.longitude).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().min(1.0).asin()
}

/// Indexes into `regions`, nearest first. By distance when the location has
/// coordinates; else the regions on its continent first; else (no location,
/// as under a plain `wrangler dev`) the configured order. Ties keep the
/// configured order.
pub fn nearest_first(regions: &[&str], from: Option<&Location>) -> Vec<usize> {
    let mut order: Vec<usize> = (0..regions.len()).collect();
    let Some(from) = from else { return order };
    let rank = |index: &usize| -> f64 {
        let place = regions.get(*index).and_then(|r| place(r));
        match (from.coordinates, place) {
            (Some(here), Some((there, _))) => distance_km(here, there),
            (None, Some((_, continent))) if from.continent.as_deref() == Some(continent) => 0.0,
            (None, Some(_)) => 1.0,
            // Unknown to the table (a custom endpoint's name): last.
            (_, None) => f64::MAX,
        }
    };
    order.sort_by(|a, b| rank(a).total_cmp(&rank(b)));
    order
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn at(latitude: f64, longitude: f64) -> Location {
        Location {
            coordinates: Some(Coordinates {
                latitude,
                longitude,
            }),
            continent: None,
        }
    }

    fn order<'a>(regions: &[&'a str], from: Option<&Location>) -> Vec<&'a str> {
        nearest_first(regions, from)
            .into_iter()
            .map(|i| regions[i])
            .collect()
    }

    const GLOBAL: [&str; 3] = ["us-east-1", "eu-central-1", "ap-southeast-2"];

    #[test]
    fn a_frankfurt_request_reads_frankfurt_first() {
        let frankfurt = at(50.11, 8.68);
        assert_eq!(
            order(&GLOBAL, Some(&frankfurt)),
            ["eu-central-1", "us-east-1", "ap-southeast-2"]
        );
    }

    #[test]
    fn a_sydney_request_reads_sydney_first() {
        let sydney = at(-33.87, 151.21);
        assert_eq!(order(&GLOBAL, Some(&sydney))[0], "ap-southeast-2");
        let singapore = at(1.29, 103.85);
        assert_eq!(
            order(
                &["us-west-2", "ap-southeast-1", "eu-west-1"],
                Some(&singapore)
            )[0],
            "ap-southeast-1"
        );
    }

    #[test]
    fn the_continent_is_the_fallback_and_nothing_keeps_the_configured_order() {
        let europe = Location {
            coordinates: None,
            continent: Some("EU".into()),
        };
        assert_eq!(
            order(&GLOBAL, Some(&europe)),
            ["eu-central-1", "us-east-1", "ap-southeast-2"]
        );
        assert_eq!(order(&GLOBAL, None), GLOBAL);
        assert_eq!(order(&GLOBAL, Some(&Location::default())), GLOBAL);
    }

    #[test]
    fn distances_are_great_circle_kilometres() {
        let london = Coordinates {
            latitude: 51.5,
            longitude: -0.1,
        };
        let new_york = Coordinates {
            latitude: 40.7,
            longitude: -74.0,
        };
        let km = distance_km(london, new_york);
        assert!((5500.0..5650.0).contains(&km), "{km}");
        assert!(distance_km(london, london) < 1e-6);
    }

    #[test]
    fn cf_fields_become_a_location() {
        let s = |v: &str| Some(v.to_owned());
        let frankfurt = Location::from_cf(s(" 50.11"), s("8.68"), s("EU"));
        assert_eq!(
            frankfurt.coordinates,
            Some(Coordinates {
                latitude: 50.11,
                longitude: 8.68
            })
        );
        assert_eq!(frankfurt.continent.as_deref(), Some("EU"));
        for (lat, lon) in [(s("NaN"), s("1")), (s("1"), None), (s("north"), s("2"))] {
            assert_eq!(Location::from_cf(lat, lon, None).coordinates, None);
        }
    }

    #[test]
    fn known_regions_are_those_in_the_table() {
        assert!(is_known("eu-central-1"));
        assert!(!is_known("eu-central-9"));
        assert!(!is_known("cn-north-1"));
    }
}
