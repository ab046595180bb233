//! The SDK's own HTTP client, with its TLS set-up moved from start to the first request.
//!
//! The SDK builds a TLS connector each time a client is constructed (every service client, and
//! the credential providers `aws_config` sets up), only to throw it away, so that the system's
//! root certificates are read at start rather than at the first request. That meant every
//! certificate file read and root stores parsed before a Lambda function could take its first
//! event: a third to a half of the api function's cold start. The connector is built anyway,
//! once, when the first request needs it (and is then cached by the SDK); an event that never
//! reaches AWS, such as a health check, does not wait for it.

use aws_config::BehaviorVersion;
use aws_sdk_dynamodb::config::{RuntimeComponents, RuntimeComponentsBuilder, RuntimePlugin, SharedHttpClient};
use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{HttpClient, HttpConnectorSettings, SharedHttpConnector};

/// The HTTP client `aws_config` would choose by default, wrapped by `connect_at_first_request`;
/// None if this build of the SDK has no default client (then `aws_config` decides as before).
pub fn sdk_default_connecting_at_first_request() -> Option<SharedHttpClient> {
    let plugin = aws_smithy_runtime::client::defaults::default_http_client_plugin_v2(BehaviorVersion::latest())?;
    let default = plugin
        .runtime_components(&RuntimeComponentsBuilder::new("vedtak"))
        .http_client()?;
    Some(connect_at_first_request(default))
}

/// Wraps `inner` so that building a client leaves its connector alone.
pub fn connect_at_first_request(inner: SharedHttpClient) -> SharedHttpClient {
    SharedHttpClient::new(ConnectAtFirstRequest(inner))
}

#[derive(Debug)]
struct ConnectAtFirstRequest(SharedHttpClient);

impl HttpClient for ConnectAtFirstRequest {
    fn http_connector(&self, settings: &HttpConnectorSettings, components: &RuntimeComponents) -> SharedHttpConnector {
        self.0.http_connector(settings, components)
    }

    // `validate_base_client_config` is deliberately left at the trait's default, which does
    // nothing: the inner client's builds the connector there, at every client's construction.

    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        self.0.connector_metadata()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::config::{BehaviorVersion, ConfigBag, Credentials, Region, RuntimeComponentsBuilder};
    use aws_smithy_runtime_api::box_error::BoxError;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    /// Counts the SDK's calls to set a connector up at client construction; never connects.
    #[derive(Debug, Default)]
    struct Counting(Arc<AtomicUsize>);

    impl HttpClient for Counting {
        fn http_connector(&self, _: &HttpConnectorSettings, _: &RuntimeComponents) -> SharedHttpConnector {
            unreachable!("no request is made")
        }

        fn validate_base_client_config(&self, _: &RuntimeComponentsBuilder, _: &ConfigBag) -> Result<(), BoxError> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    }

    fn build_client(http_client: SharedHttpClient) {
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("eu-north-1"))
            .credentials_provider(Credentials::new("AKID", "secret", None, None, "test"))
            .http_client(http_client)
            .build();
        let _ = aws_sdk_dynamodb::Client::from_conf(config);
    }

    #[test]
    fn building_a_client_sets_up_no_connector_through_the_wrapper() {
        let calls = Arc::new(AtomicUsize::new(0));
        build_client(SharedHttpClient::new(Counting(calls.clone())));
        assert_eq!(
            calls.load(Ordering::SeqCst),
            1,
            "the SDK sets the connector up at construction"
        );
        build_client(connect_at_first_request(SharedHttpClient::new(Counting(calls.clone()))));
        assert_eq!(
            calls.load(Ordering::SeqCst),
            1,
            "the wrapper leaves that to the first request"
        );
    }

    #[test]
    fn the_sdk_default_client_is_the_one_wrapped() {
        let client = sdk_default_connecting_at_first_request().expect("the SDK is built with its default client");
        assert!(format!("{client:?}").contains("ConnectAtFirstRequest"), "{client:?}");
    }
}
