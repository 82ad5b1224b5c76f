//! Yahoo's session as a stand-in serves it: shared by the tests and the examples' harness and soak run.

/// A Yahoo fake's session: the cookie host (404 with the cookie, as the real one) and the crumb.
pub async fn mount_yahoo_session(server: &wiremock::MockServer, crumb: &str) {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, ResponseTemplate};
    Mock::given(method("GET"))
        .and(path("/cookie"))
        .respond_with(
            ResponseTemplate::new(404).insert_header("set-cookie", "A3=d=test; Max-Age=3600; Path=/"),
        )
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/test/getcrumb"))
        .respond_with(ResponseTemplate::new(200).set_body_string(crumb.to_string()))
        .mount(server)
        .await;
}
