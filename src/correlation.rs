//! The correlation id every answer carries and every log line names:
//! Cloudflare's `cf-ray` when it is usable, else a random UUID.

/// `random` returns uniform numbers in [0, 1).
pub fn correlation_id(cf_ray: Option<String>, random: impl FnMut() -> f64) -> String {
    cf_ray
        .filter(|ray| {
            !ray.is_empty() && ray.len() <= 128 && ray.bytes().all(|b| b.is_ascii_graphic())
        })
        .unwrap_or_else(|| new_correlation_id(random))
}

/// A random UUID (version 4 layout).
pub fn new_correlation_id(mut random: impl FnMut() -> f64) -> String {
    let mut word = || u128::from((random() * f64::from(u32::MAX)) as u32);
    let bits = (word() << 96) | (word() << 64) | (word() << 32) | word();
    uuid::Builder::from_random_bytes(bits.to_be_bytes())
        .into_uuid()
        .hyphenated()
        .to_string()
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn a_usable_cf_ray_is_the_id() {
        assert_eq!(
            correlation_id(Some("8f1e2d3c4b5a6978-SIN".into()), || 0.5),
            "8f1e2d3c4b5a6978-SIN"
        );
    }

    #[test]
    fn anything_else_gets_a_uuid() {
        for ray in [
            None,
            Some(String::new()),
            Some("x".repeat(129)),
            Some("a b".into()),
        ] {
            let id = correlation_id(ray.clone(), || 0.25);
            assert_eq!(id.len(), 36, "{ray:?}");
            assert_eq!(id.as_bytes()[14], b'4', "version 4: {id}");
        }
    }
}
