//! The HTTP client every outbound call uses (DynamoDB, the Cognito key
//! set): `reqwest`, over hyper natively and over `fetch` in the Worker,
//! never following a redirect.

/// The shared client. Natively it refuses redirects itself; `fetch` needs
/// telling per request ([`no_redirects`]).
pub fn client() -> reqwest::Client {
    #[cfg(not(target_arch = "wasm32"))]
    {
        // Proxies from the environment would send tests' loopback traffic
        // elsewhere.
        reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_else(|_| reqwest::Client::new())
    }
    #[cfg(target_arch = "wasm32")]
    {
        reqwest::Client::new()
    }
}

/// A request that answers a redirect as it is instead of following it: a
/// signed request must not travel to wherever a `Location` points.
pub fn no_redirects(request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
    #[cfg(target_arch = "wasm32")]
    let request = request.fetch_redirect_manual();
    request
}
